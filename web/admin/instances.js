// The Instances screen: the customer's CRM instances, and one instance's settings (name, CRM
// type, URL templates, the supersede rule), events with their age limits, profiles and the
// agent directory, each changed by the roles that may (the server decides anyway; its refusals,
// such as a duplicate name or a profile still published to, are shown in its words).
import { $, element, announce, show, fillTable } from './dom.js';
import { may, api } from './session.js';

const AGENTS_PAGE = 100;
let open = null;  // the instance shown: GET /api/admin/instances/{crmId}

const base = () => `/api/admin/instances/${encodeURIComponent(open.crmId)}`;

export async function loadInstanceList(crmId) {
  show('instances-error', '');
  try {
    const { instances } = await api('/api/admin/instances');
    $('instances-body').replaceChildren(...instances.map((i) => element('tr', { 'data-instance': i.crmId },
      element('th', { scope: 'row', text: i.name }), element('td', { text: i.crmId }), element('td', { text: i.crmType }),
      element('td', {}, element('a', { href: `#instances/${encodeURIComponent(i.crmId)}`, text: 'Open', 'aria-label': `Open ${i.name}` })))));
    $('instances-table').hidden = instances.length === 0;
    $('instance-form').hidden = !may.configure();
    if (crmId) await loadInstance(crmId);
    else $('instance').hidden = true;
  } catch (error) {
    show('instances-error', error.message);
  }
}

async function loadInstance(crmId) {
  show('instance-error', '');
  show('settings-result', '');
  try {
    open = await api(`/api/admin/instances/${encodeURIComponent(crmId)}`);
  } catch (error) {
    $('instance').hidden = true;
    show('instances-error', error.status === 404 ? `No instance ${crmId} in this customer.` : error.message);
    return;
  }
  $('instance-title').textContent = `${open.name} (${open.crmId})`;
  showSettings();
  await Promise.all([loadEvents(), loadProfiles(), loadAgents()]);
  $('instance').hidden = false;
}

function showSettings() {
  const form = $('instance-settings');
  form.elements.name.value = open.name;
  form.elements.crmType.value = open.crmType;
  for (const which of ['record', 'newRecord', 'search']) form.elements[which].value = open.urlTemplates[which] ?? '';
  form.elements.supersedeBy.value = open.supersedeBy ?? '';
  for (const field of form.elements) field.disabled = !may.configure() && field.tagName !== 'BUTTON';
  for (const button of form.querySelectorAll('button')) button.hidden = !may.configure();
}

function removeButton(label, action) {
  const button = element('button', { type: 'button', class: 'quiet danger', text: 'Remove', 'aria-label': label });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      button.disabled = false;
      show('instance-error', error.message);
    }
  });
  return button;
}

// Events: a custom one may be removed unless a workflow is bound to it; each event's age limit
// (pops of older triggers are skipped, docs/agent.md "The rules") is edited in place.
async function loadEvents() {
  const { events } = await api(`${base()}/events`);
  const designs = may.design();
  $('events-body').replaceChildren(...events.map((event) => {
    const description = element('input', { value: event.description, 'aria-label': `Description of ${event.name}`, autocomplete: 'off' });
    const stale = element('input', { type: 'number', min: '1', value: event.staleAfter ?? '', placeholder: 'no limit',
      'aria-label': `Age limit of ${event.name} in seconds (empty: no limit)` });
    description.disabled = stale.disabled = !designs;
    const actions = element('td', { class: 'row-actions' });
    if (designs) {
      const save = element('button', { type: 'button', class: 'quiet', text: 'Save', 'aria-label': `Save ${event.name}` });
      save.addEventListener('click', () => saveEvent(event, description.value.trim(), stale.value.trim()));
      actions.append(save);
      if (!event.builtIn) actions.append(removeButton(`Remove ${event.name}`, () => removeEvent(event)));
    }
    return element('tr', { 'data-event': event.name },
      element('th', { scope: 'row', text: `${event.name}${event.builtIn ? ' (built in)' : ''}` }),
      element('td', {}, description), element('td', {}, stale), actions);
  }));
  $('event-form').hidden = !designs;
}

async function saveEvent(event, description, stale) {
  show('instance-error', '');
  try {
    await api(`${base()}/events/${encodeURIComponent(event.name)}`, { method: 'PATCH',
      body: { description, staleAfter: stale === '' ? null : Number(stale) } });
    announce(`Saved ${event.name}`);
    show('settings-result', `Saved the event ${event.name}.`);
    await loadEvents();
  } catch (error) {
    show('instance-error', error.message);
  }
}

async function removeEvent(event) {
  if (!confirm(`Remove the event "${event.name}"? Triggers naming it then resolve to nothing here.`)) return;
  await api(`${base()}/events/${encodeURIComponent(event.name)}`, { method: 'DELETE' });
  announce(`Removed ${event.name}`);
  await loadEvents();
}

async function loadProfiles() {
  const { profiles } = await api(`${base()}/profiles`);
  $('profiles-list').replaceChildren(...(profiles.length ? profiles.map((p) => element('li', {}, p.name, ' ',
    may.configure() ? removeButton(`Remove the profile ${p.name}`, () => removeProfile(p.name)) : null))
    : [element('li', { class: 'help', text: 'No profile: every agent counts as "all profiles".' })]));
  $('agent-profile').replaceChildren(...profiles.map((p) => element('option', { value: p.name, text: p.name })));
  $('profile-form').hidden = !may.configure();
  $('agent-form').hidden = !may.configure() || profiles.length === 0;
}

async function removeProfile(name) {
  if (!confirm(`Remove the profile "${name}"? Agents placed with it must be moved first.`)) return;
  await api(`${base()}/profiles/${encodeURIComponent(name)}`, { method: 'DELETE' });
  announce(`Removed ${name}`);
  await loadProfiles();
}

// The agent directory, a page at a time ("Show more" asks for the next after the last shown).
let agentsAfter = null;

async function loadAgents(more = false) {
  const query = new URLSearchParams({ limit: String(AGENTS_PAGE) });
  if (more && agentsAfter) query.set('after', agentsAfter);
  const { agents, next } = await api(`${base()}/agents?${query}`);
  const rows = agents.map((agent) => element('tr', { 'data-agent': agent.agentId },
    element('th', { scope: 'row', text: agent.agentId }), element('td', { text: agent.profile }),
    element('td', {}, may.configure() ? removeButton(`Remove agent ${agent.agentId}`, () => removeAgent(agent.agentId)) : null)));
  if (more) $('agents-body').append(...rows);
  else fillTable('agents', agents, (_, index) => rows[index]);
  agentsAfter = next;
  $('agents-more').hidden = !next;
}
$('agents-more').addEventListener('click', () => loadAgents(true).catch((error) => show('instance-error', error.message)));

async function removeAgent(agentId) {
  await api(`${base()}/agents/${encodeURIComponent(agentId)}`, { method: 'DELETE' });
  announce(`Removed agent ${agentId}`);
  await loadAgents();
}

$('instance-settings').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target.elements;
  const body = { name: form.name.value.trim(), revision: open.revision,
    urlTemplates: { record: form.record.value.trim(), newRecord: form.newRecord.value.trim(), search: form.search.value.trim() },
    supersedeBy: form.supersedeBy.value.trim() || null };
  // A new CRM type alone brings its presets: send the templates only when they were edited.
  if (form.crmType.value !== open.crmType) {
    body.crmType = form.crmType.value;
    const unchanged = ['record', 'newRecord', 'search'].every((which) => body.urlTemplates[which] === (open.urlTemplates[which] ?? ''));
    if (unchanged) delete body.urlTemplates;
  }
  show('instance-error', '');
  try {
    open = await api(base(), { method: 'PATCH', body });
    await loadInstanceList(open.crmId);
    show('settings-result', 'Settings saved: the next trigger uses them.');
  } catch (error) {
    show('instance-error', error.field ? `${error.message} (field ${error.field})` : error.message);
  }
});

$('instance-delete').addEventListener('click', async () => {
  if (!confirm(`Delete the instance ${open.name} (${open.crmId}) with its events, profiles, agents and workflows? This cannot be undone.`)) return;
  show('instance-error', '');
  try {
    await api(base(), { method: 'DELETE' });
    announce(`Deleted ${open.name}`);
    location.hash = 'instances';
  } catch (error) {
    show('instance-error', error.message);
  }
});

// A form that POSTs its fields to `path()`, then reloads what it changed.
function adder(formId, errorId, path, done) {
  $(formId).addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = Object.fromEntries([...new FormData(event.target)].map(([name, value]) => [name, String(value).trim()]));
    show(errorId, '');
    try {
      await api(path(), { method: 'POST', body: fields });
      event.target.reset();
      announce(`Added ${fields.name ?? fields.crmId ?? fields.agentId}`);
      await done(fields);
    } catch (error) {
      show(errorId, error.message);
      event.target.querySelector('input')?.focus();
    }
  });
}
adder('instance-form', 'instances-error', () => '/api/admin/instances', (fields) => { location.hash = `instances/${encodeURIComponent(fields.crmId)}`; });
adder('event-form', 'instance-error', () => `${base()}/events`, loadEvents);
adder('profile-form', 'instance-error', () => `${base()}/profiles`, loadProfiles);
adder('agent-form', 'instance-error', () => `${base()}/agents`, () => loadAgents());
