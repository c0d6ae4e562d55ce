// The console (/admin/): console users sign in with a name and password (POST
// /api/admin/session: an HttpOnly SameSite=Strict cookie, and a CSRF token every write sends
// as X-CSRF-Token); the API decides what each role may do, and the page offers only that.
// No framework: a few DOM helpers over the admin API, one screen per address fragment.
// docs/admin.md describes every screen.

import { $, element, announce, show, fillTable, when } from './dom.js';
import { session, may, api, adminPath } from './session.js';
import { loadWorkflows, openDesigner, unsavedDraft } from './workflows.js';
import { loadInstanceList } from './instances.js';
import { loadGlance } from './glance.js';
import { loadUsers } from './users.js';
import { loadKeys } from './keys.js';
import { loadCustomers, setCustomerPicker } from './customers.js';

const LIVE_ROWS = 200;

function signedOut(note) {
  session.caller = null;
  unwatch();
  $('desk').hidden = true;
  $('signout').hidden = true;
  $('who').hidden = true;
  $('customer-pick').hidden = true;
  $('signin').hidden = false;
  show('signin-note', note);
  show('signin-error', '');
  $('signin-password').value = '';
  $('signin-user').focus();
}

function signedIn(who) {
  session.caller = who;
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('signout').hidden = false;
  $('who').hidden = false;
  $('who').textContent = `${who.user} · ${who.role}${who.operator ? ' (operator)' : ` · ${who.customer}`}`;
  // An operator manages every customer and names the one it acts on (kept for this tab).
  session.customer = who.operator ? sessionStorage.getItem('popflow.console.customer') ?? '' : '';
  $('customer-pick').hidden = !who.operator;
  $('customer-id').value = session.customer;
  $('key-form').hidden = !may.manageKeys();
  $('link-form').hidden = !may.manageKeys();
  $('users-link').hidden = !may.manageKeys();
  $('customers-link').hidden = !who.operator;
  $('test-form').hidden = !may.design();
  $('main').focus();
  // An operator who has not picked a customer yet starts from the list of them.
  if (who.operator && !session.customer) location.hash = '#customers';
  route();
}

function pickCustomer(id) {
  session.customer = id;
  $('customer-id').value = id;
  sessionStorage.setItem('popflow.console.customer', session.customer);
  sessionStorage.removeItem('popflow.console.instance');
  unwatch();
  announce(`Acting on customer ${session.customer}`);
  if (location.hash === '#customers') location.hash = '#triggers';
  else route();
}
setCustomerPicker(pickCustomer);

$('customer-pick').addEventListener('submit', (event) => {
  event.preventDefault();
  pickCustomer($('customer-id').value.trim());
});

// Screens by the address's fragment: #triggers, #triggers/ID (one trigger's timeline), #live,
// #instances, #instances/CRMID, #workflows, #workflows/ID (the designer), #publishing, #keys,
// #users, #customers (operators).
const SCREENS = ['keys', 'live', 'publishing', 'instances', 'workflows', 'users', 'customers'];
let shownHash = '';

function route() {
  if (!session.caller) return;
  if (shownHash.startsWith('#workflows/') && location.hash !== shownHash && unsavedDraft() &&
      !confirm('The draft has changes you have not saved. Leave it anyway?')) {
    history.replaceState(null, '', shownHash);
    return;
  }
  shownHash = location.hash;
  const [screen, id] = (location.hash.slice(1) || 'triggers').split('/');
  const nested = { triggers: 'timeline', workflows: 'designer' };
  let shown = id && nested[screen] ? nested[screen] : SCREENS.includes(screen) ? screen : 'triggers';
  // Every other screen is of one customer: an operator picks it first.
  if (session.caller.operator && (shown === 'customers' || !session.customer)) shown = 'customers';
  else if (shown === 'customers') shown = 'triggers';
  if (shown === 'live') watch();
  else unwatch();
  for (const node of document.querySelectorAll('.screen')) node.hidden = node.id !== shown;
  const tab = { timeline: 'triggers', designer: 'workflows' }[shown] ?? shown;
  for (const link of document.querySelectorAll('nav a[data-screen]')) {
    if (link.dataset.screen === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (shown === 'keys') loadKeys();
  else if (shown === 'users') loadUsers();
  else if (shown === 'customers') loadCustomers();
  else if (shown === 'publishing') loadInstances();
  else if (shown === 'instances') loadInstanceList(id ? decodeURIComponent(id) : null);
  else if (shown === 'workflows') loadWorkflows();
  else if (shown === 'designer') openDesigner(decodeURIComponent(id));
  else if (shown === 'timeline') loadTimeline(decodeURIComponent(id));
  else if (shown === 'triggers') loadTriggers();
}
window.addEventListener('hashchange', route);

function resolutionText(resolution) {
  const { workflow, reason, didYouMean } = resolution ?? {};
  if (workflow) return `${workflow.name} v${workflow.version}`;
  const words = { no_publication: 'nothing published to this event', no_instance: 'no such instance',
    not_published_here: 'published in another instance only', profile_mismatch: "published to other profiles than the agent's",
    ambiguous_instance: 'published in several instances' };
  return `${words[reason] ?? reason ?? '—'}${didYouMean ? ` (did you mean "${didYouMean}"?)` : ''}`;
}

function triggerRow(trigger) {
  const link = element('a', { href: `#triggers/${encodeURIComponent(trigger.id)}`, text: when(trigger.receivedAt) });
  return element('tr', { 'data-trigger': trigger.id },
    element('td', {}, link),
    element('td', { text: trigger.agentId }),
    element('td', { text: trigger.event + (trigger.test ? ' (test)' : '') }),
    element('td', { text: resolutionText(trigger.resolution) }),
    element('td', { text: String(trigger.delivered) }),
    element('td', { text: trigger.outcome ?? (trigger.delivered ? 'not reported yet' : '—') }));
}

async function loadTriggers() {
  show('triggers-error', '');
  const form = new FormData($('trigger-search'));
  const query = new URLSearchParams({ limit: '50' });
  for (const name of ['agent', 'event']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) query.set(name, value);
  }
  try {
    const { triggers } = await api(`/api/admin/triggers?${query}`);
    fillTable('triggers', triggers, triggerRow);
  } catch (error) {
    $('triggers-table').hidden = true;
    show('triggers-error', error.message);
  }
}

// The live monitor: GET /api/admin/monitor as Server-Sent Events (the session's cookie goes
// with it), open only while the Live screen is shown. The browser reconnects a dropped stream
// by itself; one the server ended (the session is over) sends the page to the sign-in.
let monitor = null;
let seen = { triggers: 0, runs: 0 };

function unwatch() {
  monitor?.close();
  monitor = null;
  clearInterval(onlineTimer);
  onlineTimer = null;
}

// Agents online (GET /api/admin/online) and the last hour (glance.js), asked again every few
// seconds while Live is open.
const ONLINE_REFRESH_MS = 5000;
let onlineTimer = null;

function sessionText(session) {
  const since = new Date(session.since).toLocaleTimeString();
  const state = session.connected ? `${session.transport} since ${since}` : `offline since ${since}${session.queued ? `, ${session.queued} waiting` : ''}`;
  return `${session.clientId}: ${state}${session.persistent ? '' : ' (not kept)'}`;
}

async function loadOnline() {
  try {
    const { agents, connected } = await api('/api/admin/online');
    fillTable('online', agents, (agent) => element('tr', { 'data-agent': agent.agentId ?? '' },
      element('th', { scope: 'row', text: agent.agentId ?? 'customer-wide tokens' }),
      element('td', { text: agent.connected ? 'Connected' : 'Offline' }),
      element('td', {}, ...(agent.sessions.length ? agent.sessions.map((s) => element('div', { text: sessionText(s) })) : ['—'])),
      element('td', { text: String(agent.sseStreams) })));
    show('online-state', `${connected} agent(s) connected; ${agents.length - connected} with a session waiting for its client.`);
  } catch (error) {
    show('online-state', `Could not read who is online: ${error.message}`);
  }
}

function watch() {
  if (monitor) return;
  const refresh = () => Promise.all([loadOnline(), loadGlance()]);
  refresh();
  onlineTimer = setInterval(refresh, ONLINE_REFRESH_MS);
  seen = { triggers: 0, runs: 0 };
  $('live-body').replaceChildren();
  show('live-state', 'Connecting…');
  monitor = new EventSource(adminPath('/api/admin/monitor'));
  monitor.onopen = () => show('live-state', 'Watching: new triggers and runs appear here as they happen.');
  monitor.onmessage = (event) => {
    let entry;
    try {
      entry = JSON.parse(event.data);
    } catch {
      return;
    }
    if (entry.type === 'trigger') seen.triggers += 1;
    if (entry.type === 'run') seen.runs += 1;
    $('live-body').prepend(liveRow(entry));
    while ($('live-body').children.length > LIVE_ROWS) $('live-body').lastElementChild.remove();
    filterLive();
  };
  monitor.onerror = async () => {
    if (monitor?.readyState !== EventSource.CLOSED) {
      show('live-state', 'Reconnecting…');
      return;
    }
    unwatch();
    try {
      await api('/api/admin/session');  // signed out: api() says so and shows the sign-in
      show('live-state', 'The stream ended. Open Live again to watch.');
    } catch {
      // the sign-in is showing
    }
  };
}

function liveRow(entry) {
  const link = element('a', { href: `#triggers/${encodeURIComponent(entry.id)}`, text: new Date(entry.receivedAt ?? entry.run?.reportedAt ?? Date.now()).toLocaleTimeString() });
  const detail = entry.type === 'run'
    ? `${entry.outcome}${entry.run?.workflow ? ` · ${entry.run.workflow} v${entry.run.version}` : ''}`
    : `${resolutionText(entry.resolution)} · delivered to ${entry.delivered}`;
  return element('tr', { 'data-trigger': entry.id, 'data-type': entry.type, 'data-agent': entry.agentId, 'data-event': entry.event, 'data-outcome': entry.outcome ?? '' },
    element('td', {}, link),
    element('td', { text: entry.type === 'run' ? 'Run' : `Trigger${entry.test ? ' (test)' : ''}` }),
    element('td', { text: entry.agentId }),
    element('td', { text: entry.event }),
    element('td', { text: detail }));
}

function filterLive() {
  const form = new FormData($('live-filter'));
  const wanted = (name) => String(form.get(name) ?? '').trim();
  const [agent, event, outcome] = ['agent', 'event', 'outcome'].map(wanted);
  let shown = 0;
  for (const row of $('live-body').children) {
    row.hidden = (agent && row.dataset.agent !== agent) || (event && row.dataset.event !== event) ||
      (outcome && row.dataset.outcome !== outcome);
    if (!row.hidden) shown += 1;
  }
  if (monitor?.readyState === EventSource.OPEN)
    show('live-state', `Watching: ${seen.triggers} triggers and ${seen.runs} runs since this screen opened; ${shown} shown.`);
}
$('live-filter').addEventListener('input', filterLive);
$('live-filter').addEventListener('submit', (event) => event.preventDefault());

$('test-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { channel: form.get('channel'), agentId: String(form.get('agentId')).trim(), event: String(form.get('event')) };
  const crmId = String(form.get('crmId') ?? '').trim();
  if (crmId) body.crmId = crmId;
  try {
    const data = String(form.get('data') ?? '').trim();
    if (data) body.data = JSON.parse(data);
  } catch (error) {
    show('test-result', `The interaction data is not JSON: ${error.message}`);
    return;
  }
  try {
    const answer = await api('/api/admin/test-trigger', { method: 'POST', body });
    const what = answer.workflow ? `runs ${answer.workflow.name} v${answer.workflow.version}` : (answer.warnings ?? []).join('; ');
    show('test-result', `Sent ${answer.id}: delivered to ${answer.delivered} session(s); ${what}`);
  } catch (error) {
    show('test-result', `Not sent: ${error.message}`);
  }
});

// Publishing: per instance, each event against "all profiles" and each profile, from the
// instance's events, profiles and its workflows' publications (GET /api/admin/workflows/{id}).
async function loadInstances() {
  show('publishing-error', '');
  try {
    const { instances } = await api('/api/admin/instances');
    const select = $('publishing-instance');
    const chosen = select.value;
    select.replaceChildren(...instances.map((i) => element('option', { value: i.crmId, text: `${i.name} (${i.crmId})` })));
    if (instances.some((i) => i.crmId === chosen)) select.value = chosen;
    if (instances.length) await loadPublishing(select.value);
    else show('publishing-error', 'This customer has no instance yet: add one on the Instances screen first.');
  } catch (error) {
    show('publishing-error', error.message);
  }
}

async function loadPublishing(crmId) {
  const base = `/api/admin/instances/${encodeURIComponent(crmId)}`;
  try {
    const [{ events }, { profiles }, { workflows }] = await Promise.all(
      ['events', 'profiles', 'workflows'].map((part) => api(`${base}/${part}`)));
    const details = await Promise.all(workflows.map((w) => api(`/api/admin/workflows/${encodeURIComponent(w.id)}`)));
    publishable = { details, names: profiles.map((p) => p.name) };
    publishForm();
    const published = new Map();  // "event\u0000profile" → {id, name, version, profile}
    for (const workflow of details)
      for (const p of workflow.publications)
        published.set(`${p.event}\u0000${p.profile}`, { id: workflow.id, name: workflow.name, version: p.version, profile: p.profile, event: p.event });
    const names = profiles.map((p) => p.name);
    $('publishing-caption').textContent = `What each profile runs per event in ${crmId}`;
    $('publishing-head').replaceChildren(element('th', { scope: 'col', text: 'Event' }), element('th', { scope: 'col', text: 'All profiles' }),
      ...names.map((name) => element('th', { scope: 'col', text: name })));
    // A publication's own cell offers to remove it; a profile that inherits "all" does not.
    const cell = (pub, note, own) => {
      const td = element('td', { class: pub ? 'published' : 'unpublished', text: pub ? `${pub.name} v${pub.version}${note}` : 'nothing' });
      if (pub && own && may.design()) {
        const label = pub.profile === 'all' ? 'all profiles' : pub.profile;
        const button = element('button', { type: 'button', class: 'quiet danger', text: 'Unpublish', 'aria-label': `Unpublish ${pub.name} from ${label} for ${pub.event}` });
        button.addEventListener('click', () => unpublish(pub, label, button));
        td.append(' ', button);
      }
      return td;
    };
    $('publishing-body').replaceChildren(...events.map((event) => {
      const all = published.get(`${event.name}\u0000all`);
      return element('tr', { 'data-event': event.name }, element('th', { scope: 'row', text: event.name }), cell(all, '', true),
        ...names.map((name) => {
          const own = published.get(`${event.name}\u0000${name}`);
          return own ? cell(own, ' (its own)', true) : cell(all, ' (from all)', false);
        }));
    }));
    $('publishing-table').hidden = false;
  } catch (error) {
    $('publishing-table').hidden = true;
    show('publishing-error', error.message);
  }
}
async function unpublish(pub, label, button) {
  const fallback = pub.profile === 'all' ? 'agents of profiles without their own publication will run nothing' : 'its agents get what is published to all profiles, if anything';
  if (!confirm(`Unpublish ${pub.name} v${pub.version} from ${label} for ${pub.event}? From the next trigger on, ${fallback}.`)) return;
  button.disabled = true;
  try {
    await api(`/api/admin/workflows/${encodeURIComponent(pub.id)}/publish?profile=${encodeURIComponent(pub.profile)}`, { method: 'DELETE' });
    await loadPublishing($('publishing-instance').value);
    show('publish-result', `Unpublished ${pub.name} from ${label} for ${pub.event}.`);
  } catch (error) {
    button.disabled = false;
    show('publish-result', `Not unpublished: ${error.message}`);
  }
}

$('publishing-instance').addEventListener('change', (event) => loadPublishing(event.target.value));

// The publish form: a workflow's version to all profiles or chosen ones. What a target runs now
// is replaced by the server without a word, so the page asks first, naming it.
let publishable = { details: [], names: [] };

function publishForm() {
  const form = $('publish-form');
  form.hidden = !may.design() || publishable.details.length === 0;
  const workflows = $('publish-workflow');
  const chosen = workflows.value;
  workflows.replaceChildren(...publishable.details.map((w) => element('option', { value: w.id, text: `${w.name} (${w.event})` })));
  if (publishable.details.some((w) => w.id === chosen)) workflows.value = chosen;
  versionsOf();
  const targets = [['all', 'All profiles'], ...publishable.names.map((name) => [name, name])];
  $('publish-targets').replaceChildren(element('legend', { text: 'To' }), ...targets.map(([value, label]) =>
    element('label', { class: 'check' }, element('input', { type: 'checkbox', name: 'target', value }), label)));
}

function versionsOf() {
  const workflow = publishable.details.find((w) => w.id === $('publish-workflow').value);
  const versions = [...(workflow?.versions ?? [])].reverse();
  $('publish-version').replaceChildren(...(versions.length
    ? versions.map((v) => element('option', { value: String(v.version), text: `v${v.version}` }))
    : [element('option', { value: '', text: 'no version yet' })]));
}
$('publish-workflow').addEventListener('change', versionsOf);

$('publish-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const workflow = publishable.details.find((w) => w.id === $('publish-workflow').value);
  const version = Number($('publish-version').value);
  const targets = new FormData(event.target).getAll('target').map(String);
  if (!workflow || !version) return show('publish-result', 'Freeze a version of the workflow first: open it on the Workflows screen and press "Freeze as a version".');
  if (targets.length === 0) return show('publish-result', 'Choose all profiles or at least one profile.');
  const over = [];
  for (const other of publishable.details)
    for (const p of other.publications)
      if (p.event === workflow.event && targets.includes(p.profile) && !(other.id === workflow.id && p.version === version))
        over.push(`${p.profile === 'all' ? 'all profiles' : p.profile} (${other.name} v${p.version})`);
  if (over.length && !confirm(`For ${workflow.event}, this replaces what ${over.join(', ')} run now. Publish ${workflow.name} v${version} instead?`)) return;
  try {
    const answer = await api(`/api/admin/workflows/${encodeURIComponent(workflow.id)}/publish`, {
      method: 'POST', body: { version, profiles: targets.includes('all') ? 'all' : targets } });
    const replaced = (answer.replaced ?? []).length;
    show('publish-result', `Published ${workflow.name} v${version} to ${targets.includes('all') ? 'all profiles' : targets.join(', ')}${replaced ? `, replacing ${replaced} publication${replaced > 1 ? 's' : ''}` : ''}.`);
    await loadPublishing($('publishing-instance').value);
  } catch (error) {
    show('publish-result', `Not published: ${error.message}`);
  }
});

$('trigger-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const id = String(new FormData(event.target).get('id') ?? '').trim();
  if (id) location.hash = `triggers/${encodeURIComponent(id)}`;
  else loadTriggers();
});

function storyItem(entry) {
  const words = {
    received: 'Received',
    resolved: `Resolved to ${entry.workflow ? `${entry.workflow.name} v${entry.workflow.version}` : ''}`,
    unresolved: `No workflow: ${resolutionText(entry.detail)}`,
    delivered: `Delivered over ${entry.transport} to ${entry.subscriber}`,
    queued: `Queued for ${entry.subscriber} (${entry.transport}, offline)`,
    no_subscriber: 'Reached no session: the agent had no client subscribed',
    run: `Run reported: ${entry.outcome}`,
  };
  return element('li', {}, element('time', { datetime: entry.at, text: new Date(entry.at).toLocaleTimeString() }), ' ',
    words[entry.what] ?? entry.what);
}

function runBlock(run) {
  const steps = element('ol', { class: 'steps' }, ...(run.steps ?? []).map((step) =>
    element('li', { text: `${step.step} (${step.type})${step.branch ? ` → ${step.branch}` : ''}${step.error ? `: ${step.error}` : ''}${step.message ? `: ${step.message}` : ''}` })));
  return element('section', { class: 'run' },
    element('h4', { text: `${run.outcome}${run.workflow ? ` · ${run.workflow} v${run.version}` : ''}` }),
    run.error ? element('p', { class: 'error', text: run.error }) : null,
    element('p', { class: 'help', text: `Reported ${when(run.reportedAt)}${run.durationMs !== undefined ? ` · ran ${run.durationMs} ms` : ''}` }),
    run.steps?.length ? steps : null);
}

async function loadTimeline(id) {
  show('timeline-error', '');
  $('timeline-title').textContent = `Trigger ${id}`;
  for (const part of ['timeline-facts', 'timeline-story', 'timeline-runs']) $(part).replaceChildren();
  $('timeline-message').textContent = '';
  $('timeline').focus();
  try {
    const t = await api(`/api/admin/triggers/${encodeURIComponent(id)}`);
    const facts = [['Channel', t.channel], ['Agent', t.agentId], ['Event', t.event + (t.test ? ' (test)' : '')], ['Topic', t.topic],
      ['Received', when(t.receivedAt)], ['Workflow', resolutionText(t.resolution)], ['Profile', t.resolution?.profile ?? '—']];
    if (t.crmId) facts.push(['CRM ID', t.crmId]);
    $('timeline-facts').replaceChildren(...facts.flatMap(([term, value]) => [element('dt', { text: term }), element('dd', { text: value })]));
    $('timeline-story').replaceChildren(...t.story.map(storyItem));
    $('timeline-runs').replaceChildren(...(t.runs.length ? t.runs.map(runBlock)
      : [element('p', { class: 'help', text: 'No run reported yet: no agent client has run it.' })]));
    $('timeline-message').textContent = JSON.stringify(t.message, null, 2);
  } catch (error) {
    show('timeline-error', error.status === 404 ? `No trigger ${id} is kept for this customer.` : error.message);
  }
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('signin-error', '');
  show('signin-note', '');
  const button = event.target.querySelector('button');
  button.disabled = true;
  try {
    signedIn(await api('/api/admin/session', { method: 'POST', body: { user: String(form.get('user')).trim(), password: String(form.get('password')) } }));
  } catch (error) {
    show('signin-error', error.message);
    $('signin-password').select();
  } finally {
    button.disabled = false;
  }
});

$('signout').addEventListener('click', async () => {
  try {
    await api('/api/admin/session', { method: 'DELETE' });
  } finally {
    signedOut('You have signed out.');
  }
});

session.onEnded = signedOut;

// A reload keeps the session: the cookie is still there, and the server says who it is.
api('/api/admin/session').then(signedIn, () => signedOut());
