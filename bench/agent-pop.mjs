// Trigger to pop in a real browser: from the moment the trigger's request is sent to the card
// in the agent page's DOM, p50/p99 over TRIGGERS sequential triggers; then the page's JS heap
// and DOM size after POPS more pops sent as fast as the rate limit lets them (growth must stop:
// the page keeps 20 cards and 1,000 trigger ids), and how many pops a second it keeps up with.
// A measurement, never a test with a threshold.
//
//   node bench/agent-pop.mjs [POPFLOW_BIN]      (env TRIGGERS=300 POPS=10000)
// Needs `npm ci --prefix web` and Debian's chromium; make bench runs it (docs/performance.md).
import { Server, launchBrowser, agentPage } from '../web/test/e2e/harness.mjs';

const TRIGGERS = Number(process.env.TRIGGERS ?? 300);
const POPS = Number(process.env.POPS ?? 10000);
const CRM = 'bench.crm.example.com';
if (process.argv[2]) process.env.POPFLOW_BIN = process.argv[2];

const now = () => performance.timeOrigin + performance.now();
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const server = new Server(['--rate-limit', '0', '--access-log=false']);
server.setUp('bench', {
  popflowWorkflows: 1,
  instance: { crmId: CRM, name: 'Bench CRM', crmType: 'generic' },
  profiles: [], agents: [], events: [],
  workflows: [{ name: 'Ring card', event: 'On Ring', publish: 'all', definition: { schema: 1, start: 'card', steps: {
    card: { type: 'show', title: 'Call from {interaction.ani}', fields: [{ label: 'Caller', value: '{interaction.name ?? \'unknown\'}' }] } } } }],
});
const apiKey = server.cli('key', 'create', '--customer', 'bench');
const token = server.cli('token', 'create', '--customer', 'bench', '--agent', '1001');
await server.start();
const browser = await launchBrowser();
try {
  const problems = [];
  const page = await agentPage(await browser.newContext(), `${server.url}/agent/#token=${token}&crmId=${CRM}`, problems);
  page.on('crash', () => console.error('bench: the agent page crashed', problems));
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  // Records when each card enters the DOM, by the same clock as this process (one machine).
  await page.evaluate(() => {
    window.popTimes = new Map();
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now();
      // A card is appended to its pop's body: the moment the agent can see the caller.
      for (const record of records)
        if (record.target.classList?.contains('pop-body')) window.popTimes.set(record.target.parentElement.dataset.trigger, at);
    }).observe(document.getElementById('pops'), { childList: true, subtree: true });
  });
  const send = (i) => fetch(`${server.url}/api/sendmessage/CTI`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jwt: apiKey, agentId: '1001', event: 'On Ring', ani: `555${i}`, name: 'Ann' }) }).then((r) => r.json());
  const latencies = [];
  for (let i = 0; i < TRIGGERS; i += 1) {
    const sentAt = now();
    const { id } = await send(i);
    await page.waitForFunction((trigger) => window.popTimes.has(trigger), id, { polling: 'raf' });
    latencies.push((await page.evaluate((trigger) => window.popTimes.get(trigger), id)) - sentAt);
  }
  latencies.sort((a, b) => a - b);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = await cdp.send('Performance.getMetrics');
    const value = (name) => metrics?.metrics.find((m) => m.name === name)?.value;
    return { heapMiB: (value('JSHeapUsedSize') ?? 0) / 2 ** 20, nodes: value('Nodes'), storageKiB: await page.evaluate(() => JSON.stringify(localStorage).length / 1024) };
  };
  const before = await heap();
  const started = now();
  // Closed loop: batches of 20, never more than 100 ahead of what the page has run, so the
  // session's queue never overflows and every pop is one the agent would see.
  const ran = (count) => page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) >= n, count, { timeout: 120000, polling: 50 });
  for (let i = 0; i < POPS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, POPS - i) }, (_, k) => send(TRIGGERS + i + k)));
    await ran(TRIGGERS + i - 100);
  }
  await ran(TRIGGERS + POPS);
  const seconds = (now() - started) / 1000;
  const after = await heap();
  console.log(JSON.stringify({
    triggers: TRIGGERS, p50Ms: +quantile(latencies, 0.5).toFixed(2), p99Ms: +quantile(latencies, 0.99).toFixed(2), maxMs: +latencies.at(-1).toFixed(2),
    pops: POPS, popsPerSecond: Math.round(POPS / seconds),
    before: { heapMiB: +before.heapMiB.toFixed(1), nodes: before.nodes, storageKiB: Math.round(before.storageKiB) },
    after: { heapMiB: +after.heapMiB.toFixed(1), nodes: after.nodes, storageKiB: Math.round(after.storageKiB) },
  }));
} finally {
  await browser.close();
  await server.stop();
}
