// The last hour at a glance (GET /api/admin/activity): triggers per minute as bars, the part
// that reached a session darker, and the hour's totals in words; the minutes also as a table
// for screen readers. This node's counts; Prometheus keeps the long history.
import { $, element, svg } from './dom.js';
import { api } from './session.js';

const WIDTH = 600;
const HEIGHT = 90;

function chart(minutes) {
  const most = Math.max(1, ...minutes.map((m) => m.triggers));
  const bar = WIDTH / minutes.length;
  const picture = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'glance', 'aria-hidden': 'true' });
  minutes.forEach((m, i) => {
    const all = (m.triggers / most) * (HEIGHT - 4);
    const reached = (m.delivered / most) * (HEIGHT - 4);
    picture.append(svg('rect', { x: i * bar + 1, y: HEIGHT - all, width: bar - 2, height: all, class: 'missed' }));
    picture.append(svg('rect', { x: i * bar + 1, y: HEIGHT - reached, width: bar - 2, height: reached, class: 'reached' }));
  });
  return picture;
}

export async function loadGlance() {
  try {
    const { minutes } = await api('/api/admin/activity');
    const sum = (name) => minutes.reduce((total, m) => total + m[name], 0);
    const triggers = sum('triggers');
    $('glance-summary').textContent = `Last hour: ${triggers} trigger(s), ${sum('delivered')} reached a session` +
      ` (peak ${Math.max(...minutes.map((m) => m.triggers))} a minute); runs: ${sum('executed')} executed, ${sum('failed')} failed,` +
      ` ${sum('unresolved')} with no workflow, ${sum('skipped')} skipped.`;
    $('glance-chart').replaceChildren(chart(minutes));
    $('glance-body').replaceChildren(...minutes.filter((m) => m.triggers || m.executed || m.failed || m.unresolved || m.skipped)
      .map((m) => element('tr', {}, element('th', { scope: 'row', text: new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }),
        ...['triggers', 'delivered', 'executed', 'failed', 'unresolved', 'skipped'].map((name) => element('td', { text: String(m[name]) })))));
  } catch (error) {
    $('glance-summary').textContent = `Could not read the last hour: ${error.message}`;
  }
}
