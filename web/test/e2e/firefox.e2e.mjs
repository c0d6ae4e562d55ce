// The agent's client and the console in Firefox: Debian's firefox-esr, driven by puppeteer-core
// over WebDriver BiDi, against the real binary. The paths where browsers differ most: the
// page's CSP and modules, MQTT over WebSocket, the persistent session across a reload, Web
// Locks and BroadcastChannel between tabs, a form answered from the keyboard, the console's
// cookie session, and its designer (validation as you type, the SVG graph, a dry run). Chromium covers the rest (agent.e2e.mjs, console.e2e.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, BIN, launchFirefox, agentPage, screenshot } from './harness.mjs';

const CRM = 'firefox.crm.example.com';
const CONSOLE_PASSWORD = 'correct-horse-battery-firefox';
let server;
let browser;
let apiKey;

const workflows = {
  popflowWorkflows: 1,
  instance: { crmId: CRM, name: 'Firefox CRM', crmType: 'generic' },
  profiles: [],
  agents: [],
  events: [{ name: 'Wrap', description: 'a form' }],
  workflows: [
    {
      name: 'Ring card', event: 'On Ring', publish: 'all',
      definition: { schema: 1, start: 'card', steps: { card: { type: 'show', title: 'Call from {interaction.ani}', fields: [{ label: 'Caller', value: '{interaction.name}' }] } } },
    },
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
  ],
};

before(async () => {
  server = new Server();
  server.setUp('acme', workflows);
  apiKey = server.cli('key', 'create', '--customer', 'acme');
  execFileSync(BIN, ['--data-dir', server.dataDir, 'user', 'add', 'ada', '--customer', 'acme', '--role', 'admin', '--password-stdin'],
    { input: `${CONSOLE_PASSWORD}\n` });
  await server.start();
  browser = await launchFirefox();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const agentToken = (agent) => server.cli('token', 'create', '--customer', 'acme', '--agent', agent);
const popSelector = (id) => `article[data-trigger="${id}"]`;

// Waits until an element matching `selector` contains `text`.
function textShown(page, selector, text, timeout = 10000) {
  return page.waitForFunction(
    (sel, wanted) => [...document.querySelectorAll(sel)].some((node) => node.textContent.includes(wanted)),
    { timeout }, selector, text);
}

async function signedIn(context, agent, problems = []) {
  const page = await agentPage(context, `${server.url}/agent/#token=${agentToken(agent)}&crmId=${CRM}`, problems);
  await textShown(page, '#status', 'Connected');
  return page;
}

test('in Firefox: sign in by link, a trigger pops with its values, and the run is in its timeline', async () => {
  const context = await browser.createBrowserContext();
  const problems = [];
  const page = await signedIn(context, '2001', problems);
  assert.equal(new URL(page.url()).hash, '', 'the token stays in the address bar');
  const sent = await server.trigger(apiKey, { agentId: '2001', event: 'On Ring', ani: '5552001', name: 'Ann Smith' });
  await textShown(page, `${popSelector(sent.body.id)} h4`, 'Call from 5552001');
  assert.equal(await page.$eval(`${popSelector(sent.body.id)} dd`, (node) => node.textContent), 'Ann Smith');
  await textShown(page, '#announcer', 'New pop: Call from 5552001');
  const [run] = await server.runs(apiKey, sent.body.id);
  assert.equal(run.outcome, 'executed');
  assert.equal(run.workflow, 'Ring card');
  assert.deepEqual(run.steps.map((s) => [s.step, s.branch]), [['card', 'done']]);
  await screenshot(page, 'agent-pop-firefox');
  assert.deepEqual(problems, [], 'no console error and no CSP violation');
  await context.close();
});

test('in Firefox: a form is answered from the keyboard and takes its branch', async () => {
  const context = await browser.createBrowserContext();
  const page = await signedIn(context, '2002');
  const sent = await server.trigger(apiKey, { agentId: '2002', event: 'Wrap', ani: '5552002' });
  const pop = popSelector(sent.body.id);
  await textShown(page, `${pop} form`, 'Reason (required)');
  await page.focus(`${pop} select`);
  await page.select(`${pop} select`, 'Support');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Save', 'Tab goes from the field to Save');
  await page.keyboard.press('Enter');
  const [run] = await server.runs(apiKey, sent.body.id);
  assert.equal(run.outcome, 'executed');
  assert.deepEqual(run.steps.map((s) => [s.step, s.branch]), [['wrap', 'save'], ['saved', 'done']]);
  assert.equal(run.steps[1].message, 'saved Support');
  await context.close();
});

test('in Firefox: a trigger sent while the page reloads pops after it, and nothing pops twice', async () => {
  const context = await browser.createBrowserContext();
  const page = await signedIn(context, '2003');
  const before = await server.trigger(apiKey, { agentId: '2003', event: 'On Ring', ani: '5551003', name: 'Bo' });
  await textShown(page, popSelector(before.body.id), 'Call from 5551003');
  await server.runs(apiKey, before.body.id);
  await page.goto('about:blank');
  const during = await server.trigger(apiKey, { agentId: '2003', event: 'On Ring', ani: '5552003', name: 'Cy' });
  assert.equal(during.body.delivered, 1, 'queued for the persistent session');
  await page.goto(`${server.url}/agent/`);
  await textShown(page, popSelector(during.body.id), 'Call from 5552003');
  await page.reload();
  await textShown(page, '#status', 'Connected');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await page.$(popSelector(before.body.id)), null, 'an earlier trigger popped again');
  assert.equal(await page.$(popSelector(during.body.id)), null, 'the queued trigger popped again');
  assert.equal((await server.runs(apiKey, during.body.id)).length, 1);
  await context.close();
});

test('in Firefox: two tabs share one connection, one runs each trigger, and the other takes over', async () => {
  const context = await browser.createBrowserContext();
  const first = await signedIn(context, '2004');
  const second = await agentPage(context, `${server.url}/agent/`, []);
  await second.waitForSelector('#passive', { visible: true });
  assert.equal(await second.evaluate(() => 'locks' in navigator), true, 'Firefox has Web Locks here');
  const sent = await server.trigger(apiKey, { agentId: '2004', event: 'On Ring', ani: '5552004', name: 'Di' });
  assert.equal(sent.body.delivered, 1, 'one connection for the agent in this browser');
  await textShown(first, popSelector(sent.body.id), 'Call from 5552004');
  await textShown(second, popSelector(sent.body.id), 'Call from 5552004');
  await first.close();
  await textShown(second, '#status', 'Connected');
  const next = await server.trigger(apiKey, { agentId: '2004', event: 'On Ring', ani: '6662004', name: 'Ed' });
  await textShown(second, popSelector(next.body.id), 'Call from 6662004');
  await new Promise((resolve) => setTimeout(resolve, 500));
  // The first tab was in the background, where mqtt.js's writes wait for a timer (Firefox
  // holds those back to 1 s): closed within that second, its PUBACK may not have gone out, and
  // the session hands the trigger to the next tab again, which knows it and shows nothing.
  const outcomes = (await server.runs(apiKey, sent.body.id)).map((run) => run.outcome);
  assert.deepEqual(outcomes.filter((outcome) => outcome !== 'duplicate'), ['executed'], 'the first trigger ran once');
  assert.equal((await server.runs(apiKey, next.body.id)).length, 1);
  await context.close();
});

test('in Firefox: a tab in the background pops at once, even where the browser holds its timers back for a minute', async () => {
  // Firefox clamps a background tab's timers to 1 s (this pref; 60 s here): any timer between
  // the message and the pop would time this out.
  const slow = await launchFirefox({ 'dom.min_background_timeout_value_without_budget_throttling': 60000 });
  try {
    const context = await slow.createBrowserContext();
    const page = await agentPage(context, `${server.url}/agent/#token=${agentToken('2005')}&crmId=${CRM}`, []);
    await textShown(page, '#status', 'Connected');
    const other = await context.newPage();
    await other.goto('about:blank');
    assert.equal(await page.evaluate(() => document.visibilityState), 'hidden');
    const sent = await server.trigger(apiKey, { agentId: '2005', event: 'On Ring', ani: '5552005', name: 'Flo' });
    await textShown(page, popSelector(sent.body.id), 'Call from 5552005');
    const [run] = await server.runs(apiKey, sent.body.id);
    assert.equal(run.outcome, 'executed');
    await context.close();
  } finally {
    await slow.close();
  }
});

test('in Firefox: the console signs in, tells a trigger\'s story, and a key revoked there is refused at once', async () => {
  const context = await browser.createBrowserContext();
  const problems = [];
  const page = await agentPage(context, `${server.url}/`, problems);
  await page.waitForSelector('#signin-user', { visible: true });
  assert.equal(new URL(page.url()).pathname, '/admin/');
  await page.type('#signin-user', 'ada');
  await page.type('#signin-password', CONSOLE_PASSWORD);
  await page.keyboard.press('Enter');
  const key = server.cli('key', 'create', '--customer', 'acme', '--label', 'firefox console');
  const sent = await server.trigger(key, { agentId: '2006', event: 'On Ring', ani: '5552006' });
  await page.waitForSelector('#triggers', { visible: true });
  await page.click('#trigger-search button');
  await page.waitForSelector(`tr[data-trigger="${sent.body.id}"] a`);
  await page.click(`tr[data-trigger="${sent.body.id}"] a`);
  await textShown(page, '#timeline-story', 'Reached no session');
  await page.click('nav a[data-screen="keys"]');
  await textShown(page, '#keys-body', 'firefox console');
  page.once('dialog', (dialog) => dialog.accept());
  await page.click('#keys-body button[aria-label="Revoke firefox console"]');
  await textShown(page, '#keys-body', 'Revoked');
  const refused = await fetch(`${server.url}/api/sendmessage/CTI`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jwt: key, agentId: '2006', event: 'On Ring' }),
  });
  assert.equal(refused.status, 401);
  assert.deepEqual(problems.filter((p) => !p.includes('401')), [], 'no console error but the signed-out probe');
  await context.close();
});

test('in Firefox: the designer checks a draft as it is typed, draws it, dry-runs it and freezes it', async () => {
  const context = await browser.createBrowserContext();
  const problems = [];
  const page = await agentPage(context, `${server.url}/admin/#workflows`, problems);
  await page.waitForSelector('#signin-user', { visible: true });
  await page.type('#signin-user', 'ada');
  await page.type('#signin-password', CONSOLE_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#workflow-form', { visible: true });
  await page.type('#workflow-name', 'Firefox pop');
  await page.select('#workflow-event', 'On Answer');
  await page.click('#workflow-form button[type="submit"]');
  await textShown(page, '#draft-check', 'Valid: 1 step(s)');
  // A typo in a step type, typed into the draft: the server's validator names it.
  await page.$eval('#draft-definition', (field) => {
    field.value = field.value.replace('"show"', '"shwo"');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await textShown(page, '#draft-check', "step 'pop'");
  assert.equal(await page.$eval('#draft-save', (button) => button.disabled), true);
  await page.$eval('#draft-definition', (field) => {
    field.value = field.value.replace('"shwo"', '"show"');
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await textShown(page, '#draft-check', 'Valid: 1 step(s)');
  assert.equal(await page.$$eval('#graph svg g.step', (nodes) => nodes.length), 1);
  await page.click('#dry-run');
  await textShown(page, '#dry-outcome', 'Outcome: executed');
  await textShown(page, '#dry-actions', 'Shows the card "Call from 5551234567"');
  await page.click('#draft-freeze');
  await textShown(page, '#draft-result', 'Frozen as v1');
  await textShown(page, '#versions-body', 'ada');
  assert.deepEqual(problems.filter((p) => !p.includes('401')), [], 'no console error but the signed-out probe');
  await context.close();
});
