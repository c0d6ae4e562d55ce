// The Live screen: triggers and runs as they happen (the monitor's Server-Sent Events),
// filtered by agent, event and run outcome; the agents online and the last hour, asked again
// every few seconds; and the test-trigger form.
import { $, element, show, fillTable } from './dom.js';
import { api, adminPath } from './session.js';
import { loadGlance } from './glance.js';
import { resolutionText } from './triggers.js';

const LIVE_ROWS = 200;

// The live monitor: GET /api/admin/monitor as Server-Sent Events (the session's cookie goes
// with it), open only while the Live screen is shown. The browser reconnects a dropped stream
// by itself; one the server ended (the session is over) sends the page to the sign-in.
let monitor = null;
let seen = { triggers: 0, runs: 0 };

export function unwatch() {
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

export function watch() {
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
