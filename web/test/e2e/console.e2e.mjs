// The admin console end to end: the real binary, Debian's chromium, console users made with
// the CLI. The front door, sign-in (and its clear refusal), a reload keeping the session, API
// keys (one generated, shown once with its curl line, which then sends a trigger; revoked,
// after which it sends none), a viewer offered nothing it may not do and refused by the server
// anyway, and sign-out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, BIN, launchBrowser, agentPage, screenshot } from './harness.mjs';

let server;
let browser;
const password = (user) => `correct-horse-battery-${user.length}${user.at(-1)}`;

before(async () => {
  server = new Server();
  server.setUp('acme', {
    popflowWorkflows: 1, instance: { crmId: 'acme.crm.example.com', name: 'Acme CRM', crmType: 'generic' },
    profiles: ['Tier 2'], agents: [], events: [],
    workflows: [
      { name: 'Ring card', event: 'On Ring', publish: 'all', definition: { schema: 1, start: 'card', steps: { card: { type: 'show', title: 'Call from {interaction.ani}' } } } },
      { name: 'Tier 2 answer', event: 'On Answer', publish: ['Tier 2'], definition: { schema: 1, start: 'card', steps: { card: { type: 'show', title: 'Answered' } } } },
      { name: 'Ring card B', event: 'On Ring', definition: { schema: 1, start: 'card', steps: { card: { type: 'show', title: 'B: {interaction.ani}' } } } },
    ],
  });
  for (const [user, role] of [['olga', 'owner'], ['vic', 'viewer']])
    execFileSync(BIN, ['--data-dir', server.dataDir, 'user', 'add', user, '--customer', 'acme', '--role', role, '--password-stdin'],
      { input: `${password(user)}\n` });
  execFileSync(BIN, ['--data-dir', server.dataDir, 'user', 'add', 'opal', '--operator', '--password-stdin'], { input: `${password('opal')}\n` });
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The page first asks whether a session is there (GET /api/admin/session, 401 when not),
// which Chromium logs as an error; anything else is a problem.
const unexpected = (problems) => problems.filter((p) => !p.includes('status of 401'));

async function signIn(page, user, secret = password(user)) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password', { exact: true }).first().fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// A console page in a context of its own (`options`: playwright's, e.g. a viewport), signed in
// as `user`, and the problems it logs.
async function signedIn(user, options = {}) {
  const context = await browser.newContext(options);
  const problems = [];
  const page = await agentPage(context, `${server.url}/admin/`, problems);
  await signIn(page, user);
  return { context, page, problems };
}

// A datetime-local field's value for a time: the browser and this process share the machine's
// time zone.
function localTime(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

async function openKeys(page) {
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
}

test('the front door: a browser lands on the console sign-in, a machine keeps its JSON 404', async () => {
  const context = await browser.newContext();
  const problems = [];
  const page = await agentPage(context, `${server.url}/`, problems);
  assert.equal(new URL(page.url()).pathname, '/admin/');
  await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  assert.equal(await page.getByRole('link', { name: "PopFlow, the agent's client" }).getAttribute('href'), '/agent/');
  await screenshot(page, 'console-sign-in');
  const machine = await fetch(`${server.url}/`, { headers: { Accept: 'application/json' } });
  assert.equal(machine.status, 404);
  assert.equal((await machine.json()).code, 'not_found');
  const served = await fetch(`${server.url}/admin/`);
  const policy = served.headers.get('content-security-policy');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /frame-ancestors 'none'/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('a wrong password is refused in words, and the right one signs in and survives a reload', async () => {
  const context = await browser.newContext();
  const page = await agentPage(context, `${server.url}/admin/`, []);
  await signIn(page, 'olga', 'not-the-password');
  await page.getByRole('alert').filter({ hasText: 'the user name or the password is wrong' }).waitFor();
  await signIn(page, 'olga');
  await openKeys(page);
  assert.match(await page.locator('#who').textContent(), /olga · owner · acme/);
  await page.reload();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await context.close();
});

test('an owner generates a key, shown once with a curl line that works, and revokes it', async () => {
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1100 } });
  await openKeys(page);
  const keys = page.locator('#keys');
  await keys.getByLabel('Label').fill('Genesys production');
  await keys.getByLabel('CRM triggers', { exact: true }).uncheck();
  await page.getByRole('button', { name: 'Generate key' }).click();
  await page.getByRole('heading', { name: 'Your new key' }).waitFor();
  const key = await page.getByLabel('Key', { exact: true }).inputValue();
  assert.match(key, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
  const curl = await page.getByLabel('Send an "On Ring" trigger with it').inputValue();
  assert.ok(curl.includes(key) && curl.startsWith(`curl -s ${server.url}/api/sendmessage/CTI`), curl);
  const row = page.locator('tr', { hasText: 'Genesys production' });
  assert.equal(await row.locator('td').first().textContent(), 'CTI');
  assert.equal(await row.locator('td').nth(4).textContent(), 'never', 'not used yet');
  assert.equal(await row.locator('td').nth(5).textContent(), 'Active');
  await screenshot(page, 'console-keys');
  // The curl line, run as printed, sends a trigger.
  const sent = JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8' }));
  assert.equal(sent.status, 'ok', JSON.stringify(sent));
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: 'Revoke Genesys production' }).click();
  await row.locator('td', { hasText: /^Revoked/ }).waitFor();
  assert.notEqual(await row.locator('td').nth(4).textContent(), 'never', 'the curl line used it');
  assert.equal(await row.getByRole('button', { name: /^(Revoke|Rotate)/ }).count(), 0, 'a revoked key offers no revoke or rotation');
  const refused = JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8' }));
  assert.equal(refused.code, 'revoked_key', JSON.stringify(refused));
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('rotating a key with a grace period: the new key is shown once, the old one works until then, and the history says so', async () => {
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1100 } });
  await openKeys(page);
  const keys = page.locator('#keys');
  await keys.getByLabel('Label').fill('Avaya');
  await keys.getByLabel('CRM IDs (optional)').fill('acme.crm.example.com');
  await keys.getByLabel('Expires').selectOption('90d');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await page.locator('#keys-body tr', { hasText: 'Avaya' }).waitFor();
  const old = await page.getByLabel('Key', { exact: true }).inputValue();
  const id = await page.locator('#keys-body tr', { hasText: 'Avaya' }).getAttribute('data-key');
  const row = page.locator(`#keys-body tr[data-key="${id}"]`);  // the new key has the same label
  assert.equal(await row.locator('td').nth(1).textContent(), 'acme.crm.example.com');
  const expires = Date.parse(await row.locator('td').nth(3).textContent());
  assert.ok(Math.abs(expires - (Date.now() + 90 * 86400e3)) < 2 * 86400e3, 'expires in 90 days');
  await row.getByRole('button', { name: 'Rotate Avaya' }).click();
  await page.getByLabel('The old key keeps working').selectOption('24h');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await page.locator('#new-key-note').filter({ hasText: /It replaces "Avaya", which works until .*Copy it now/ }).waitFor();
  const fresh = await page.getByLabel('Key', { exact: true }).inputValue();
  assert.notEqual(fresh, old);
  await row.locator('td', { hasText: /^Rotated: works until / }).waitFor();
  // Both work during the grace: the telephony platform can switch without missing a call.
  for (const key of [old, fresh]) assert.equal((await server.trigger(key, { agentId: '5001', event: 'On Ring' })).body.status, 'ok');
  await row.getByRole('button', { name: 'History of Avaya' }).click();
  await page.getByRole('heading', { name: 'History of "Avaya"' }).waitFor();
  assert.deepEqual(await page.locator('#key-history-body tr td:nth-child(3)').allTextContents(), ['Rotated (a new key replaces it)', 'Made']);
  assert.deepEqual(await page.locator('#key-history-body tr td:nth-child(2)').allTextContents(), ['olga', 'olga']);
  await screenshot(page, 'console-key-rotation');
  // Rotated with no grace, a key is refused at once.
  const next = page.locator('#keys-body tr', { hasText: 'Avaya' }).filter({ hasText: 'Active' });
  await next.getByRole('button', { name: 'Rotate Avaya' }).click();
  await page.getByLabel('The old key keeps working').selectOption('');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await page.locator('#new-key-note').filter({ hasText: 'which is refused from now on' }).waitFor();
  const refused = await fetch(`${server.url}/api/sendmessage/CTI`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jwt: fresh, agentId: '5001', event: 'On Ring' }) });
  assert.equal(refused.status, 401);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("a support engineer finds why a pop didn't happen: the trigger's story, with the event it was meant to be", async () => {
  const apiKey = server.cli('key', 'create', '--customer', 'acme', '--label', 'story');
  const missed = await server.trigger(apiKey, { agentId: '3001', event: 'On ring', ani: '5553001' });
  // A viewer: support engineers read triggers.
  const { context, page } = await signedIn('vic', { viewport: { width: 1280, height: 1000 } });
  await page.locator('#triggers').getByLabel('Agent').fill('3001');
  await page.getByRole('button', { name: 'Find' }).click();
  const row = page.locator(`tr[data-trigger="${missed.body.id}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td').nth(3).textContent(), 'nothing published to this event (did you mean "On Ring"?)');
  assert.equal(await row.locator('td').nth(4).textContent(), '0');
  // By time: received until an hour ago finds nothing of it; from an hour ago, it again.
  const anHourAgo = localTime(Date.now() - 3600e3);
  await page.locator('#triggers').getByLabel('until').fill(anHourAgo);
  await page.getByRole('button', { name: 'Find' }).click();
  await page.locator('#triggers-empty').waitFor();
  await page.locator('#triggers').getByLabel('until').fill('');
  await page.locator('#triggers').getByLabel('Received from').fill(anHourAgo);
  await page.getByRole('button', { name: 'Find' }).click();
  await row.waitFor();
  await row.getByRole('link').click();
  await page.getByRole('heading', { name: `Trigger ${missed.body.id}` }).waitFor();
  const story = await page.locator('#timeline-story li').allTextContents();
  assert.equal(story.length, 3, story.join(' | '));
  assert.match(story[0], /Received$/);
  assert.match(story[1], /No workflow: nothing published to this event \(did you mean "On Ring"\?\)/);
  assert.match(story[2], /Reached no session/);
  await page.getByText('No run reported yet').waitFor();
  await screenshot(page, 'console-timeline');
  // An unknown id, typed in: said in words, not a blank page.
  await page.getByRole('link', { name: '← Triggers' }).click();
  await page.locator('#triggers').getByLabel('Trigger id').fill('01a00000-0000-7000-8000-000000000000');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('alert').filter({ hasText: 'No trigger 01a00000-0000-7000-8000-000000000000 is kept' }).waitFor();
  await context.close();
});

test('the live screen shows triggers as they happen, sends a test trigger, and filters by agent', async () => {
  const apiKey = server.cli('key', 'create', '--customer', 'acme', '--label', 'live');
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1000 } });
  await page.getByRole('link', { name: 'Live' }).click();
  await page.locator('#live-state').filter({ hasText: 'Watching' }).waitFor();
  await page.locator('#test-form').getByLabel('Agent').fill('4001');
  await page.getByRole('button', { name: 'Send test trigger' }).click();
  await page.locator('#test-result').filter({ hasText: 'runs Ring card v1' }).waitFor();
  const test = page.locator('#live-body tr', { hasText: 'Trigger (test)' });
  await test.waitFor();
  assert.equal(await test.locator('td').nth(2).textContent(), '4001');
  assert.equal(await test.locator('td').nth(4).textContent(), 'Ring card v1 · delivered to 0');
  const real = await server.trigger(apiKey, { agentId: '4002', event: 'On Ring', ani: '5554002' });
  await page.locator(`#live-body tr[data-trigger="${real.body.id}"]`).waitFor();
  await page.locator('#live-filter').getByLabel('Agent').fill('4002');
  await page.locator('#live-state').filter({ hasText: '2 triggers and 0 runs since this screen opened; 1 shown' }).waitFor();
  // The last hour counts them (refreshed every 5 s), with the bars drawn.
  await page.locator('#glance-summary').filter({ hasText: /Last hour: [2-9]\d* trigger\(s\)/ }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#glance-chart svg rect.missed').count(), 60);
  assert.equal(await test.isVisible(), false, 'filtered out');
  await screenshot(page, 'console-live');
  await page.locator(`#live-body tr[data-trigger="${real.body.id}"] a`).click();
  await page.getByRole('heading', { name: `Trigger ${real.body.id}` }).waitFor();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('publishing shows what each profile runs for each event: its own publication, or the one to all', async () => {
  const { context, page } = await signedIn('vic', { viewport: { width: 1280, height: 900 } });
  await page.getByRole('link', { name: 'Publishing' }).click();
  const ring = page.locator('#publishing-body tr[data-event="On Ring"]');
  await ring.waitFor();
  assert.deepEqual(await ring.locator('td').allTextContents(), ['Ring card v1', 'Ring card v1 (from all)']);
  assert.deepEqual(await page.locator('#publishing-body tr[data-event="On Answer"] td').allTextContents(),
    ['nothing', 'Tier 2 answer v1 (its own)']);
  assert.deepEqual(await page.locator('#publishing-body tr[data-event="On Hold"] td').allTextContents(), ['nothing', 'nothing']);
  assert.deepEqual(await page.locator('#publishing-head th').allTextContents(), ['Event', 'All profiles', 'Tier 2']);
  await screenshot(page, 'console-publishing');
  await context.close();
});

test('publishing over what a profile runs asks first, naming it; declined, nothing changes', async () => {
  // Ring card B has only a draft: freeze its version 1 (the designer's step before publishing).
  const headers = { Authorization: `Bearer ${server.cli('token', 'create', '--customer', 'acme', '--admin')}` };
  const { workflows } = await (await fetch(`${server.url}/api/admin/instances/acme.crm.example.com/workflows`, { headers })).json();
  const b = workflows.find((w) => w.name === 'Ring card B');
  assert.equal((await fetch(`${server.url}/api/admin/workflows/${b.id}/versions`, { method: 'POST', headers })).status, 201);
  const { context, page } = await signedIn('olga', { viewport: { width: 1280, height: 1100 } });
  await page.getByRole('link', { name: 'Publishing' }).click();
  const form = page.locator('#publish-form');
  await form.getByLabel('Workflow').selectOption({ label: 'Ring card B (On Ring)' });
  await form.getByLabel('Version').selectOption('1');
  await form.getByLabel('All profiles').check();
  const asked = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); dialog.dismiss(); });
  await form.getByRole('button', { name: 'Publish' }).click();
  assert.equal(asked.length, 1);
  assert.match(asked[0], /replaces what all profiles \(Ring card v1\) run now/);
  const ring = page.locator('#publishing-body tr[data-event="On Ring"] td');
  assert.deepEqual(await ring.allTextContents(), ['Ring card v1 Unpublish', 'Ring card v1 (from all)'], 'declined: unchanged');
  page.once('dialog', (dialog) => dialog.accept());
  await form.getByRole('button', { name: 'Publish' }).click();
  await page.locator('#publish-result').filter({ hasText: 'Published Ring card B v1 to all profiles, replacing 1 publication.' }).waitFor();
  await page.locator('#publishing-body tr[data-event="On Ring"] td', { hasText: 'Ring card B v1 (from all)' }).waitFor();
  // Put back what the other tests expect.
  await form.getByLabel('Workflow').selectOption({ label: 'Ring card (On Ring)' });
  await form.getByLabel('All profiles').check();
  page.once('dialog', (dialog) => dialog.accept());
  await form.getByRole('button', { name: 'Publish' }).click();
  await page.locator('#publishing-body tr[data-event="On Ring"] td', { hasText: 'Ring card v1 (from all)' }).waitFor();
  await context.close();
});

test('instances: events and profiles are added, a duplicate name is refused in words, and a new instance opens', async () => {
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1000 } });
  await page.getByRole('link', { name: 'Instances' }).click();
  await page.getByRole('link', { name: 'Open Acme CRM' }).click();
  await page.getByRole('heading', { name: 'Acme CRM (acme.crm.example.com)' }).waitFor();
  const instance = page.locator('#instance');
  await instance.getByLabel('New event').fill('On Ring');
  await instance.getByRole('button', { name: 'Add event' }).click();
  await instance.getByRole('alert').filter({ hasText: "event 'On Ring' already exists" }).waitFor();
  await instance.getByLabel('New event').fill('Callback');
  await page.locator('#event-form').getByLabel('Description').fill('a call back the agent asked for');
  await instance.getByRole('button', { name: 'Add event' }).click();
  const callback = page.locator('#events-body tr[data-event="Callback"]');
  await callback.waitFor();
  assert.equal(await callback.getByLabel('Description of Callback').inputValue(), 'a call back the agent asked for');
  await instance.getByLabel('New profile').fill('Tier 2');
  await instance.getByRole('button', { name: 'Add profile' }).click();
  await instance.getByRole('alert').filter({ hasText: "profile 'Tier 2' already exists" }).waitFor();
  await screenshot(page, 'console-instance');
  const add = page.locator('#instance-form');
  await add.getByLabel('CRM ID').fill('acme.my.salesforce.com');
  await add.getByLabel('Name').fill('Acme Salesforce');
  await add.getByLabel('CRM type').selectOption('salesforce');
  await add.getByRole('button', { name: 'Add instance' }).click();
  await page.getByRole('heading', { name: 'Acme Salesforce (acme.my.salesforce.com)' }).waitFor();
  await page.locator('#instances-body tr[data-instance="acme.my.salesforce.com"]').waitFor();
  assert.ok((await page.locator('#events-body th').allTextContents()).includes('On Ring (built in)'), 'a new instance has the built-in events');
  assert.match(await page.getByLabel('Record', { exact: true }).inputValue(), /lightning\/r\/\{record\.type\}/, "a Salesforce instance has Salesforce's URL presets");
  assert.deepEqual(unexpected(problems).filter((p) => !p.includes('409')), []);
  await context.close();
});

test('a viewer is offered no key management, and the server refuses it anyway', async () => {
  const { context, page } = await signedIn('vic');
  await openKeys(page);
  await page.getByRole('alert').filter({ hasText: 'viewer' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Generate key' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /^Revoke/ }).count(), 0);
  await page.getByRole('link', { name: 'Live' }).click();
  await page.locator('#live-state').filter({ hasText: 'Watching' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Send test trigger' }).count(), 0, 'a viewer sends no test trigger');
  await page.getByRole('link', { name: 'Instances' }).click();
  await page.getByRole('link', { name: 'Open Acme CRM' }).click();
  await page.locator('#events-body tr').first().waitFor();
  assert.equal(await page.getByRole('button', { name: /^(Add|Place|Save|Remove|Delete) / }).count(), 0, 'a viewer adds, saves and removes nothing');
  assert.equal(await page.locator('#instance-settings').getByLabel('Name').isDisabled(), true, "a viewer reads the instance's settings");
  // What the page does not offer, the API refuses: a write with the viewer's own session and token.
  const answer = await page.evaluate(async () => {
    const session = await (await fetch('/api/admin/session')).json();
    const response = await fetch('/api/admin/keys', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken },
      body: JSON.stringify({ label: 'sneaky' }) });
    return [response.status, (await response.json()).code];
  });
  assert.deepEqual(answer, [403, 'role_denied']);
  await context.close();
});

test('sign out ends the session: a reload asks to sign in again', async () => {
  const { context, page } = await signedIn('olga');
  await page.getByRole('heading', { name: 'Triggers' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
  assert.equal((await page.evaluate(() => fetch('/api/admin/keys').then((r) => r.status))), 401);
  await context.close();
});

test("an instance's settings, an event's age limit and the agent directory are changed in place; a profile still published to is refused", async () => {
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1300 } });
  await page.getByRole('link', { name: 'Instances' }).click();
  await page.getByRole('link', { name: 'Open Acme CRM' }).click();
  const settings = page.locator('#instance-settings');
  await settings.getByLabel('Record', { exact: true }).fill('https://acme.crm.example.com/r/{record.id');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#instance-error').filter({ hasText: 'urlTemplates.record' }).waitFor();
  await settings.getByLabel('Record', { exact: true }).fill('https://acme.crm.example.com/r/{record.type}/{record.id}');
  await settings.getByLabel('A newer trigger replaces the pop of the same interaction, matched by').fill('interactionId');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('#settings-result').filter({ hasText: 'Settings saved' }).waitFor();
  const ring = page.locator('#events-body tr[data-event="On Ring"]');
  await ring.getByLabel('Age limit of On Ring in seconds (empty: no limit)').fill('45');
  await ring.getByRole('button', { name: 'Save On Ring' }).click();
  await page.locator('#settings-result').filter({ hasText: 'Saved the event On Ring.' }).waitFor();
  const agents = page.locator('#agent-form');
  await agents.getByLabel('Agent id').fill('7001');
  await agents.getByLabel('Profile').selectOption('Tier 2');
  await agents.getByRole('button', { name: 'Place agent' }).click();
  await page.locator('#agents-body tr[data-agent="7001"] td', { hasText: 'Tier 2' }).waitFor();
  await screenshot(page, 'console-instance-settings');
  // What the server now holds is what the page showed.
  const headers = { Authorization: `Bearer ${server.cli('token', 'create', '--customer', 'acme', '--admin')}` };
  const base = `${server.url}/api/admin/instances/acme.crm.example.com`;
  const instance = await (await fetch(base, { headers })).json();
  assert.equal(instance.urlTemplates.record, 'https://acme.crm.example.com/r/{record.type}/{record.id}');
  assert.equal(instance.supersedeBy, 'interactionId');
  const { events } = await (await fetch(`${base}/events`, { headers })).json();
  assert.equal(events.find((e) => e.name === 'On Ring').staleAfter, 45);
  const { agents: placed } = await (await fetch(`${base}/agents`, { headers })).json();
  assert.deepEqual(placed, [{ agentId: '7001', profile: 'Tier 2' }]);
  await page.getByRole('button', { name: 'Remove agent 7001' }).click();
  await page.locator('#agents-empty').waitFor();
  // Tier 2 has its own publication: removing it is refused, in the server's words.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Remove the profile Tier 2' }).click();
  await page.locator('#instance-error').filter({ hasText: "profile 'Tier 2' has workflows published to it" }).waitFor();
  assert.deepEqual(unexpected(problems).filter((p) => !/status of 40[09]/.test(p)), []);
  await context.close();
});

test('an operator starts from the customers, adds one with its owner, acts on it by name, and disables it', async () => {
  const { context, page, problems } = await signedIn('opal', { viewport: { width: 1280, height: 1000 } });
  await page.getByRole('heading', { name: 'Customers' }).waitFor();
  assert.match(await page.locator('#who').textContent(), /opal · .*\(operator\)/);
  await page.locator('#customers-body tr[data-customer="acme"]').waitFor();
  const form = page.locator('#customer-form');
  // The likely mistake first: an id that is taken, refused in the server's words.
  await form.getByLabel('ID').fill('acme');
  await form.getByRole('button', { name: 'Add customer' }).click();
  await page.locator('#customers-error').filter({ hasText: "a customer 'acme' already exists" }).waitFor();
  await form.getByLabel('ID').fill('initech');
  await form.getByLabel('Name').fill('Initech');
  await form.getByRole('button', { name: 'Add customer' }).click();
  const row = page.locator('#customers-body tr[data-customer="initech"]');
  await row.waitFor();
  await page.getByRole('button', { name: 'Rename Initech' }).click();
  await page.getByLabel('New name of initech').fill('Initech Ltd');
  await page.getByLabel('New name of initech').press('Enter');
  await row.locator('td', { hasText: 'Initech Ltd' }).waitFor();
  await screenshot(page, 'console-customers');

  // Acting on it: every screen reads that customer; its first user is an owner made here.
  await page.getByRole('button', { name: 'Act on Initech Ltd' }).click();
  await page.getByRole('heading', { name: 'Triggers' }).waitFor();
  assert.equal(await page.getByLabel('Customer', { exact: true }).inputValue(), 'initech');
  await page.getByRole('link', { name: 'Users' }).click();
  const users = page.locator('#user-form');
  await users.getByLabel('Name').fill('ian');
  await users.getByLabel('Role').selectOption('owner');
  await users.getByRole('button', { name: 'Add user' }).click();
  await page.getByRole('heading', { name: "ian's password" }).waitFor();
  const secret = await page.locator('#new-user-password').inputValue();
  // The bar's field names a customer as well, and a reload keeps it for this tab.
  await page.getByLabel('Customer', { exact: true }).fill('acme');
  await page.getByRole('button', { name: 'Act on it' }).click();
  await openKeys(page);
  await page.locator('#keys-body tr').first().waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  assert.equal(await page.getByLabel('Customer', { exact: true }).inputValue(), 'acme');

  // Disabled: ian can no longer sign in, and is told why; enabled again, he can.
  await page.getByRole('link', { name: 'Customers' }).click();
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Disable Initech Ltd' }).click();
  await row.locator('td', { hasText: 'Disabled' }).waitFor();
  const ian = await browser.newContext();
  const ianPage = await agentPage(ian, `${server.url}/admin/`, []);
  await signIn(ianPage, 'ian', secret);
  await ianPage.locator('#signin-error').filter({ hasText: 'this customer is disabled' }).waitFor();
  await page.getByRole('button', { name: 'Enable Initech Ltd' }).click();
  await row.locator('td', { hasText: 'Active' }).waitFor();
  await signIn(ianPage, 'ian', secret);
  await ianPage.getByRole('heading', { name: 'Triggers' }).waitFor();
  assert.equal(await ianPage.getByRole('link', { name: 'Customers' }).isVisible(), false, 'an owner is no operator');
  await ian.close();
  assert.deepEqual(unexpected(problems).filter((p) => !/status of 409/.test(p)), []);
  await context.close();
});

test('an owner adds a console user, whose generated password signs in once shown, and removes them', async () => {
  const { context, page, problems } = await signedIn('olga', { viewport: { width: 1280, height: 1000 } });
  await page.getByRole('link', { name: 'Users' }).click();
  await page.locator('#users-body tr[data-user="olga"]').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Remove olga' }).count(), 0, 'no removing oneself');
  const form = page.locator('#user-form');
  await form.getByLabel('Name').fill('dmitri');
  await form.getByLabel('Role').selectOption('designer');
  await form.getByRole('button', { name: 'Add user' }).click();
  await page.getByRole('heading', { name: "dmitri's password" }).waitFor();
  const secret = await page.locator('#new-user-password').inputValue();
  assert.ok(secret.length >= 12, 'a generated password');
  await page.locator('#users-body tr[data-user="dmitri"] td', { hasText: 'never' }).waitFor();
  await screenshot(page, 'console-users');
  const other = await signedIn('dmitri', {});
  // signedIn() types password(user); sign in with the generated one instead.
  await other.page.getByLabel('Password', { exact: true }).first().fill(secret);
  await other.page.getByRole('button', { name: 'Sign in' }).click();
  await other.page.getByRole('heading', { name: 'Triggers' }).waitFor();
  assert.equal(await other.page.getByRole('link', { name: 'Users' }).isVisible(), false, 'a designer manages no users');
  // Another role holds at dmitri's next request; a new password signs him out.
  assert.equal(await page.getByLabel('Role of olga').count(), 0, 'no changing one\'s own role');
  await page.getByLabel('Role of dmitri').selectOption('viewer');
  await page.locator('#announcer').filter({ hasText: 'dmitri is now viewer' }).waitFor();
  const role = await other.page.evaluate(() => fetch('/api/admin/session').then((r) => r.json()).then((me) => me.role));
  assert.equal(role, 'viewer', 'a viewer now, in the session he has');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Reset the password of dmitri' }).click();
  await page.getByRole('heading', { name: "dmitri's password" }).waitFor();
  await page.waitForFunction((old) => document.getElementById('new-user-password').value !== old, secret);
  assert.equal(await other.page.evaluate(() => fetch('/api/admin/instances').then((r) => r.status)), 401, 'signed out by the reset');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Remove dmitri' }).click();
  await page.locator('#users-body tr[data-user="dmitri"]').waitFor({ state: 'detached' });
  assert.deepEqual(unexpected(problems), []);
  await other.context.close();
  await context.close();
});
