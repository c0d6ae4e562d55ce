// The Triggers screen and a trigger's page (#triggers/ID): the customer's recent triggers found
// by agent, event, time or id (GET /api/admin/triggers), and one trigger's story in order
// (GET /api/admin/triggers/{id}): received, resolved or why not, delivered to which sessions,
// each run reported with its step trace. The screen a support engineer opens when a customer
// says "the pop didn't happen".
import { $, element, show, fillTable, when } from './dom.js';
import { api } from './session.js';

// What a trigger's event resolved to, in words ("did you mean" for a near miss).
export function resolutionText(resolution) {
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

export async function loadTriggers() {
  show('triggers-error', '');
  const form = new FormData($('trigger-search'));
  const query = new URLSearchParams({ limit: '50' });
  for (const name of ['agent', 'event']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) query.set(name, value);
  }
  // The browser's local time, as the table shows it; the API takes Unix milliseconds.
  for (const name of ['since', 'before']) {
    const at = Date.parse(String(form.get(name) ?? ''));
    if (!Number.isNaN(at)) query.set(name, String(at));
  }
  try {
    const { triggers } = await api(`/api/admin/triggers?${query}`);
    fillTable('triggers', triggers, triggerRow);
  } catch (error) {
    $('triggers-table').hidden = true;
    show('triggers-error', error.message);
  }
}

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

export async function loadTimeline(id) {
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
