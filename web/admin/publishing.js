// The Publishing screen: what each profile runs for each event of an instance, publishing a
// version (asking first when it replaces something) and unpublishing.
import { $, element, show } from './dom.js';
import { may, api } from './session.js';

// Publishing: per instance, each event against "all profiles" and each profile, from the
// instance's events, profiles and its workflows' publications (GET /api/admin/workflows/{id}).
export async function loadPublishingScreen() {
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
