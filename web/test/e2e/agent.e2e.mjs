// The agent's client end to end: the real binary, Debian's chromium, real MQTT over WebSocket.
// Run by ctest (web.e2e_agent) with POPFLOW_BIN; screenshots land in docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server, launchBrowser, agentPage, screenshot } from './harness.mjs';

const CRM = 'e2e.crm.example.com';
let server;
let browser;
let lookup;       // a local HTTP service the workflows' http steps call
let lookupUrl;
let apiKey;

const card = (next) => ({
  type: 'show',
  title: 'Call from {interaction.ani}',
  fields: [{ label: 'Caller', value: '{interaction.name ?? \'unknown\'}' }, { label: 'Case', value: '{interaction.case ?? \'none\'}' }],
  ...(next ? { next: { done: next } } : {}),
});

const workflows = () => ({
  popflowWorkflows: 1,
  instance: { crmId: CRM, name: 'E2E CRM', crmType: 'generic' },
  profiles: ['Tier 1'],
  agents: [],
  events: [{ name: 'Lookup', description: 'an http step' }, { name: 'Wrap', description: 'a form' },
    { name: 'Callback', description: 'pops for 2 s', staleAfter: 2 }, { name: 'Urgent', description: 'sound and notification' }],
  workflows: [
    { name: 'Ring card', event: 'On Ring', definition: { schema: 1, start: 'card', steps: { card: card() } }, publish: 'all' },
    { name: 'Tier 1 answer', event: 'On Answer', definition: { schema: 1, start: 'card', steps: { card: card() } }, publish: ['Tier 1'] },
    { name: 'Callback card', event: 'Callback', definition: { schema: 1, start: 'card', steps: { card: card() } }, publish: 'all' },
    { name: 'Urgent card', event: 'Urgent', definition: { schema: 1, start: 'card', steps: { card: { ...card(), sound: true, notify: true } } }, publish: 'all' },
    {
      name: 'Wrap form', event: 'Wrap', publish: 'all',
      definition: {
        schema: 1, start: 'wrap', steps: {
          wrap: { type: 'form', title: 'Wrap up {interaction.ani}', save_as: 'wrap',
            fields: [{ name: 'reason', label: 'Reason', kind: 'select', options: ['Sale', 'Support'], required: true }],
            buttons: [{ id: 'save', label: 'Save' }, { id: 'skip', label: 'Skip' }],
            next: { save: 'saved', skip: 'skipped' } },
          saved: { type: 'log', message: 'saved {vars.wrap.reason}' },
          skipped: { type: 'log', message: 'skipped' },
        },
      },
    },
    {
      name: 'Lookup card', event: 'Lookup', publish: 'all',
      definition: {
        schema: 1, start: 'find', steps: {
          find: { type: 'http', method: 'GET', url: `${lookupUrl}/contacts?phone={interaction.ani|digits}`, save_as: 'found',
            timeout_ms: 2000, next: { ok: 'known', error: 'unknown' } },
          known: { type: 'show', title: '{vars.found.body.name} is calling', fields: [{ label: 'Account', value: '{vars.found.body.account}' }] },
          unknown: { type: 'show', title: 'Unknown caller ({vars.found.error})' },
        },
      },
    },
  ],
});

before(async () => {
  lookup = createServer((request, response) => {
    const phone = new URL(request.url, 'http://x').searchParams.get('phone');
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (phone === '5550000') {
      response.writeHead(404).end('{"error":"none"}');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ name: `Ann ${phone}`, account: 'ACME-7' }));
  });
  await new Promise((resolve) => lookup.listen(0, '127.0.0.1', resolve));
  lookupUrl = `http://127.0.0.1:${lookup.address().port}`;
  server = new Server(['--agent-connect-src', `${lookupUrl}`]);
  server.setUp('acme', workflows());
  apiKey = server.cli('key', 'create', '--customer', 'acme');
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  lookup?.close();
});

function agentToken(agent) {
  return server.cli('token', 'create', '--customer', 'acme', '--agent', agent);
}

async function signedIn(agent, { context } = {}) {
  const ctx = context ?? await browser.newContext();
  const problems = [];
  const page = await agentPage(ctx, `${server.url}/agent/#token=${agentToken(agent)}&crmId=${CRM}`, problems);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  return { page, context: ctx, problems };
}

const popOf = (page, id) => page.locator(`article[data-trigger="${id}"]`);

test('the page is served with a strict Content-Security-Policy and no token leaves the fragment', async () => {
  const response = await fetch(`${server.url}/agent/`);
  assert.equal(response.status, 200);
  const policy = response.headers.get('content-security-policy');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'self';/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  assert.match(policy, new RegExp(`connect-src 'self' ${lookupUrl}`));
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  const redirect = await fetch(`${server.url}/agent`, { redirect: 'manual' });
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get('location'), '/agent/');
  const etag = response.headers.get('etag');
  assert.equal((await fetch(`${server.url}/agent/`, { headers: { 'If-None-Match': etag } })).status, 304);
  assert.equal((await fetch(`${server.url}/agent/nothing.js`)).status, 404);
});

test('sign in by link, a trigger pops with its values, and the run is in its timeline', async () => {
  const { page, context, problems } = await signedIn('1001');
  assert.equal(new URL(page.url()).hash, '', 'the token stays in the address bar');
  const sent = await server.trigger(apiKey, { agentId: '1001', event: 'On Ring', ani: '5551234567', name: 'Ann Smith' });
  assert.equal(sent.status, 200);
  assert.equal(sent.body.workflow.name, 'Ring card');
  const pop = popOf(page, sent.body.id);
  await pop.getByRole('heading', { name: 'Call from 5551234567' }).waitFor();
  assert.equal(await pop.locator('dd').first().textContent(), 'Ann Smith');
  assert.equal(await pop.locator('dd').nth(1).textContent(), 'none');
  await page.locator('#announcer').filter({ hasText: 'New pop: Call from 5551234567' }).waitFor();
  const [run] = await server.runs(apiKey, sent.body.id);
  assert.equal(run.outcome, 'executed');
  assert.equal(run.workflow, 'Ring card');
  assert.equal(run.version, 1);
  assert.deepEqual(run.steps.map((s) => [s.step, s.branch]), [['card', 'done']]);
  await screenshot(page, 'agent-pop');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong token gets a clear sign-in screen', async () => {
  const context = await browser.newContext();
  const problems = [];
  const page = await agentPage(context, `${server.url}/agent/#token=not-a-token`, problems);
  await page.getByRole('alert').filter({ hasText: 'That is not a token' }).waitFor();
  await page.getByLabel('Client token').fill(server.cli('key', 'create', '--customer', 'acme'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'not a client token' }).waitFor();
  await screenshot(page, 'agent-sign-in');
  await context.close();
});

test('a revoked token signs the agent out within seconds', async () => {
  const token = agentToken('1002');
  const context = await browser.newContext();
  const page = await agentPage(context, `${server.url}/agent/#token=${token}&crmId=${CRM}`, []);
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  const keyId = JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).kid;
  server.cli('key', 'revoke', keyId);
  await page.getByRole('alert').filter({ hasText: /revoked/ }).waitFor({ timeout: 10000 });
  assert.equal(await page.locator('#signin').isVisible(), true);
  await context.close();
});

test("a form's buttons take their branches and its answer is in the run", async () => {
  const { page, context } = await signedIn('1003');
  const sent = await server.trigger(apiKey, { agentId: '1003', event: 'Wrap', ani: '5557' });
  const pop = popOf(page, sent.body.id);
  await pop.getByRole('button', { name: 'Save' }).click();
  await pop.getByRole('alert').filter({ hasText: 'Reason is required' }).waitFor();
  await screenshot(page, 'agent-form');
  await pop.getByLabel('Reason (required)').selectOption('Support');
  await pop.getByRole('button', { name: 'Save' }).click();
  const [run] = await server.runs(apiKey, sent.body.id);
  assert.equal(run.outcome, 'executed');
  assert.deepEqual(run.steps.map((s) => [s.step, s.branch]), [['wrap', 'save'], ['saved', 'done']]);
  assert.equal(run.steps[1].message, 'saved Support');
  const skipped = await server.trigger(apiKey, { agentId: '1003', event: 'Wrap', ani: '5558' });
  // Required fields hold for every button: a form's fields are filled before any branch.
  await popOf(page, skipped.body.id).getByLabel('Reason (required)').selectOption('Sale');
  await popOf(page, skipped.body.id).getByRole('button', { name: 'Skip' }).click();
  const [other] = await server.runs(apiKey, skipped.body.id);
  assert.deepEqual(other.steps.map((s) => s.step), ['wrap', 'skipped']);
  await context.close();
});

test('an http step calls a local service, saves its answer, and takes error on a 404', async () => {
  const { page, context, problems } = await signedIn('1004');
  const found = await server.trigger(apiKey, { agentId: '1004', event: 'Lookup', ani: '+1 (555) 010' });
  await popOf(page, found.body.id).getByRole('heading', { name: 'Ann 1555010 is calling' }).waitFor();
  const [run] = await server.runs(apiKey, found.body.id);
  assert.deepEqual(run.steps.map((s) => [s.step, s.branch, s.status]), [['find', 'ok', 200], ['known', 'done', undefined]]);
  const missing = await server.trigger(apiKey, { agentId: '1004', event: 'Lookup', ani: '5550000' });
  await popOf(page, missing.body.id).getByRole('heading', { name: 'Unknown caller (HTTP 404)' }).waitFor();
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await context.close();
});

// Two tabs of `agent` at `base`: one connection, each trigger run once, and the second tab
// takes over when the first closes.
async function twoTabs(context, base, agent) {
  const token = agentToken(agent);
  const first = await agentPage(context, `${base}/agent/#token=${token}&crmId=${CRM}`, []);
  await first.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  const second = await agentPage(context, `${base}/agent/`, []);
  await second.locator('#passive').waitFor();
  const sent = await server.trigger(apiKey, { agentId: agent, event: 'On Ring', ani: `555${agent}` });
  assert.equal(sent.body.delivered, 1, 'one connection for the agent in this browser');
  await popOf(first, sent.body.id).getByRole('heading', { name: `Call from 555${agent}` }).waitFor();
  await popOf(second, sent.body.id).getByRole('heading', { name: `Call from 555${agent}` }).waitFor();
  await first.close();
  await second.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
  const next = await server.trigger(apiKey, { agentId: agent, event: 'On Ring', ani: `666${agent}` });
  await popOf(second, next.body.id).getByRole('heading', { name: `Call from 666${agent}` }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await server.runs(apiKey, sent.body.id)).length, 1, 'the first trigger ran once');
  assert.equal((await server.runs(apiKey, next.body.id)).length, 1);
  return second;
}

test('two tabs of one agent: one runs each trigger, the other shows it, and takes over when the first closes', async () => {
  const context = await browser.newContext();
  await twoTabs(context, server.url, '1005');
  await context.close();
});

test('two tabs on a plain-http origin (no Web Locks) still share one connection and hand over', async () => {
  const plain = await launchBrowser(['--host-resolver-rules=MAP agents.test 127.0.0.1']);
  try {
    const context = await plain.newContext();
    const base = server.url.replace('127.0.0.1', 'agents.test').replace('localhost', 'agents.test');
    const second = await twoTabs(context, base, '1011');
    assert.deepEqual(await second.evaluate(() => [isSecureContext, 'locks' in navigator]), [false, false]);
    await context.close();
  } finally {
    await plain.close();
  }
});

test('a trigger sent while the page reloads pops after it, and nothing pops twice', async () => {
  const { page, context } = await signedIn('1006');
  const before = await server.trigger(apiKey, { agentId: '1006', event: 'On Ring', ani: '5551006' });
  await popOf(page, before.body.id).waitFor();
  await server.runs(apiKey, before.body.id);
  await page.goto('about:blank');
  const during = await server.trigger(apiKey, { agentId: '1006', event: 'On Ring', ani: '5552006' });
  assert.equal(during.body.delivered, 1, 'queued for the persistent session');
  await page.goto(`${server.url}/agent/`);
  await popOf(page, during.body.id).getByRole('heading', { name: 'Call from 5552006' }).waitFor();
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await popOf(page, before.body.id).count(), 0, 'an earlier trigger popped again');
  assert.equal(await popOf(page, during.body.id).count(), 0, 'the queued trigger popped again');
  assert.equal((await server.runs(apiKey, during.body.id)).length, 1);
  assert.equal((await server.runs(apiKey, before.body.id)).length, 1);
  await context.close();
});

test('nothing published for the event, or only for other profiles: reported, and nothing shows', async () => {
  const { page, context } = await signedIn('1007');
  const sent = await server.trigger(apiKey, { agentId: '1007', event: 'On Hold', ani: '5551007' });
  const [run] = await server.runs(apiKey, sent.body.id);
  assert.equal(run.outcome, 'no_publication');
  assert.equal(await popOf(page, sent.body.id).count(), 0);
  const answered = await server.trigger(apiKey, { agentId: '1007', event: 'On Answer', ani: '5551007' });
  const [mismatch] = await server.runs(apiKey, answered.body.id);
  assert.equal(mismatch.outcome, 'profile_mismatch');
  assert.equal(await popOf(page, answered.body.id).count(), 0);
  await context.close();
});

test('a newer trigger of the same call closes the open form: superseded, and the page goes on', async () => {
  const { page, context } = await signedIn('1008');
  const ring = await server.trigger(apiKey, { agentId: '1008', event: 'Wrap', ani: '5551008', callId: 'call-8' });
  const pop = popOf(page, ring.body.id);
  await pop.getByRole('button', { name: 'Save' }).waitFor();
  const other = await server.trigger(apiKey, { agentId: '1008', event: 'Wrap', ani: '5552008', callId: 'call-9' });
  await popOf(page, other.body.id).getByRole('button', { name: 'Save' }).waitFor();
  const end = await server.trigger(apiKey, { agentId: '1008', event: 'On End', callId: 'call-8' });
  const [superseded] = await server.runs(apiKey, ring.body.id);
  assert.equal(superseded.outcome, 'superseded');
  assert.equal((await server.runs(apiKey, end.body.id))[0].outcome, 'no_publication');
  await pop.waitFor({ state: 'detached' });
  assert.equal(await popOf(page, other.body.id).getByRole('button', { name: 'Save' }).count(), 1, 'another call keeps its form');
  await context.close();
});

test('a pop left open by a reload is offered as a missed pop, not run by itself; the agent can run it', async () => {
  const { page, context } = await signedIn('1009');
  const sent = await server.trigger(apiKey, { agentId: '1009', event: 'Wrap', ani: '5551009' });
  await popOf(page, sent.body.id).getByRole('button', { name: 'Save' }).waitFor();
  await page.reload();
  const missed = page.getByRole('region', { name: 'Missed pops' });
  await missed.getByText(/^Wrap · 5551009/).waitFor();
  assert.equal(await popOf(page, sent.body.id).count(), 0, 'it ran by itself');
  const [first] = await server.runs(apiKey, sent.body.id);
  assert.equal(first.outcome, 'stale');
  assert.match(first.error, /missed/);
  await screenshot(page, 'agent-missed');
  await missed.getByRole('button', { name: 'Run it now' }).click();
  const pop = popOf(page, sent.body.id);
  await pop.getByLabel('Reason (required)').selectOption('Sale');
  await pop.getByRole('button', { name: 'Save' }).click();
  const runs = await server.runs(apiKey, sent.body.id, 2);
  assert.deepEqual(runs.map((r) => r.outcome), ['stale', 'executed']);
  await context.close();
});

test("a trigger older than its event's age limit (the instance's rule) is reported stale and offered, not popped", async () => {
  const { page, context } = await signedIn('1010');
  const fresh = await server.trigger(apiKey, { agentId: '1010', event: 'Callback', ani: '5551010' });
  await popOf(page, fresh.body.id).getByRole('heading', { name: 'Call from 5551010' }).waitFor();
  await page.goto('about:blank');
  const old = await server.trigger(apiKey, { agentId: '1010', event: 'Callback', ani: '5552010' });
  assert.equal(old.body.delivered, 1, 'queued for the persistent session');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await page.goto(`${server.url}/agent/`);
  await page.getByRole('region', { name: 'Missed pops' }).getByText(/^Callback · 5552010/).waitFor();
  const [run] = await server.runs(apiKey, old.body.id);
  assert.equal(run.outcome, 'stale');
  assert.match(run.error, /'Callback' pops for 2 s/);
  assert.equal(await popOf(page, old.body.id).count(), 0, 'a stale trigger popped');
  assert.equal((await server.runs(apiKey, fresh.body.id))[0].outcome, 'executed');
  await context.close();
});

test('a pop asking for them plays the alert sound and raises a desktop notification; the sound can be turned off', async () => {
  const context = await browser.newContext();
  // Headless Chromium has no speakers or notification centre: record what the page asks of them.
  await context.addInitScript(() => {
    window.alerts = { tones: 0, notifications: [] };
    window.AudioContext = class {
      constructor() { this.currentTime = 0; this.destination = {}; }
      createOscillator() { return { frequency: { value: 0 }, connect: (node) => node, start: () => { window.alerts.tones += 1; }, stop() {} }; }
      createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (node) => node }; }
    };
    window.Notification = class {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title, options) { window.alerts.notifications.push({ title, body: options.body }); }
    };
    document.hasFocus = () => false;  // a notification is for an agent looking elsewhere
  });
  const { page, problems } = await signedIn('1013', { context });
  const first = await server.trigger(apiKey, { agentId: '1013', event: 'Urgent', ani: '5551013', name: 'Ann' });
  await popOf(page, first.body.id).getByRole('heading', { name: 'Call from 5551013' }).waitFor();
  const alerts = await page.evaluate(() => window.alerts);
  assert.equal(alerts.tones, 1, 'no sound for a pop that asks for one');
  assert.deepEqual(alerts.notifications, [{ title: 'Call from 5551013', body: 'Caller: Ann\nCase: none' }]);
  await page.locator('summary', { hasText: 'Settings' }).click();
  await page.getByLabel('Play a sound for new pops').uncheck();
  const second = await server.trigger(apiKey, { agentId: '1013', event: 'Urgent', ani: '5552013' });
  await popOf(page, second.body.id).getByRole('heading', { name: 'Call from 5552013' }).waitFor();
  const after = await page.evaluate(() => window.alerts);
  assert.equal(after.tones, 1, 'a sound played although the agent turned sounds off');
  assert.equal(after.notifications.length, 2, 'the notification does not depend on the sound setting');
  const plain = await server.trigger(apiKey, { agentId: '1013', event: 'On Ring', ani: '5553013' });
  await popOf(page, plain.body.id).getByRole('heading', { name: 'Call from 5553013' }).waitFor();
  assert.equal((await page.evaluate(() => window.alerts)).notifications.length, 2, 'a pop that does not ask notified');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a trigger sent while the network is down pops once the client is back, and only once', async () => {
  const own = new Server();
  own.setUp('acme', workflows());
  const key = own.cli('key', 'create', '--customer', 'acme');
  await own.start();
  const context = await browser.newContext();
  try {
    const token = own.cli('token', 'create', '--customer', 'acme', '--agent', '1012');
    const page = await agentPage(context, `${own.url}/agent/#token=${token}&crmId=${CRM}`, []);
    await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await context.setOffline(true);
    await own.restart();  // the connection drops, and the offline browser cannot get back
    const sent = await own.trigger(key, { agentId: '1012', event: 'On Ring', ani: '5551012' });
    assert.equal(sent.body.delivered, 1, 'queued for the persistent session');
    await page.waitForTimeout(1000);
    assert.equal(await popOf(page, sent.body.id).count(), 0, 'it popped while the network was down');
    await context.setOffline(false);
    await popOf(page, sent.body.id).getByRole('heading', { name: 'Call from 5551012' }).waitFor({ timeout: 30000 });
    const runs = await own.runs(key, sent.body.id);
    await page.waitForTimeout(500);
    assert.deepEqual(runs.map((r) => r.outcome), ['executed']);
    assert.equal((await own.runs(key, sent.body.id)).length, 1, 'it ran twice');
  } finally {
    await context.close();
    await own.stop();
  }
});
