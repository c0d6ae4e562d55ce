// The console's workflows end to end: the real binary, Debian's chromium, console users made
// with the CLI. The designer (a workflow made from a starter; an invalid step said in the
// server validator's words as it is typed; the graph; templates rendered against sample data;
// a dry run through the agent's runtime; saved and frozen), versions (compared with the draft,
// restored as the draft), export, import, duplicate and delete, unpublishing, and the issue's
// whole path for a new administrator in the browser only, ending in a pop and its timeline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, BIN, launchBrowser, agentPage, screenshot } from './harness.mjs';

const CRM = 'acme.crm.example.com';
let server;
let browser;
const password = (user) => `correct-horse-battery-${user.length}${user.at(-1)}`;

function addUser(user, customer, role) {
  execFileSync(BIN, ['--data-dir', server.dataDir, 'user', 'add', user, '--customer', customer, '--role', role, '--password-stdin'],
    { input: `${password(user)}\n` });
}

before(async () => {
  server = new Server();
  server.setUp('acme', {
    popflowWorkflows: 1, instance: { crmId: CRM, name: 'Acme CRM', crmType: 'salesforce' },
    profiles: ['Tier 2'], agents: [], events: [],
    workflows: [
      { name: 'Hold note', event: 'On Hold', publish: ['all', 'Tier 2'], definition: { schema: 1, start: 'note', steps: { note: { type: 'notify', title: 'On hold', message: 'the caller waits' } } } },
    ],
  });
  addUser('dana', 'acme', 'designer');
  addUser('vic', 'acme', 'viewer');
  // The new administrator: a customer with nothing in it yet, and one console account.
  server.cli('customer', 'add', 'newco');
  addUser('ada', 'newco', 'admin');
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const unexpected = (problems) => problems.filter((p) => !p.includes('status of 401'));

async function signedIn(user, options = { viewport: { width: 1400, height: 1200 } }) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  const problems = [];
  const page = await agentPage(context, `${server.url}/admin/`, problems);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password', { exact: true }).first().fill(password(user));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Triggers' }).waitFor();
  return { context, page, problems };
}

async function newWorkflow(page, name, event, start = 'card') {
  await page.getByRole('link', { name: 'Workflows', exact: true }).click();
  const form = page.locator('#workflow-form');
  await form.waitFor();
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Event').selectOption(event);
  await form.getByLabel('Start from').selectOption(start);
  await form.getByRole('button', { name: 'Create and open' }).click();
  await page.getByRole('heading', { name: `${name} · ` }).waitFor();
}

const steps = (page) => page.getByLabel(/^Steps \(/);
const verdict = (page) => page.locator('#draft-check');

test('the designer: an invalid step is said as the server says it while typing; the graph, templates and a dry run follow the draft', async () => {
  const { context, page, problems } = await signedIn('dana');
  await newWorkflow(page, 'Ring pop', 'On Ring');
  await verdict(page).filter({ hasText: 'Valid: 1 step(s), starting at "pop".' }).waitFor();
  const definition = JSON.parse(await steps(page).inputValue());
  // The most likely mistake: a branch to a step that is not there.
  definition.steps.pop.next = { done: 'log' };
  await steps(page).fill(JSON.stringify(definition, null, 2));
  await verdict(page).filter({ hasText: "step 'pop': branch 'done' points at step 'log', which does not exist" }).waitFor();
  assert.match(await verdict(page).textContent(), /\(field steps\.pop\.next\.done\)/);
  assert.equal(await steps(page).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Save draft' }).isDisabled(), true, 'an invalid draft is not saved');
  // Not JSON at all is said before any call.
  await steps(page).fill('{"schema": 1,');
  await verdict(page).filter({ hasText: /^Not JSON: / }).waitFor();
  definition.steps.log = { type: 'log', message: 'popped for {interaction.ani|digits} {interaction.case ?? \'no case\'}' };
  await steps(page).fill(JSON.stringify(definition, null, 2));
  await verdict(page).filter({ hasText: 'Valid: 2 step(s)' }).waitFor();
  assert.equal(await steps(page).getAttribute('aria-invalid'), 'false');
  // The graph: one box per step, one labelled arrow per branch, and the same in words.
  assert.deepEqual(await page.locator('#graph g.step').evaluateAll((nodes) => nodes.map((n) => n.dataset.step)), ['pop', 'log']);
  assert.deepEqual(await page.locator('#graph text.branch').allTextContents(), ['done']);
  assert.deepEqual(await page.locator('#graph-outline li').allTextContents(),
    ['pop (show), the start: done → log', 'log (log): ends the run']);
  // Templates against the sample data, a missing path named.
  await page.getByLabel('Sample interaction data (JSON)').fill('{"ani": "(555) 123-4567"}');
  const rendered = page.locator('#preview-body tr', { hasText: 'steps.log.message' });
  assert.equal(await rendered.locator('td').nth(2).textContent(), 'popped for 5551234567 no case (missing: interaction.case)');
  assert.equal(await page.locator('#preview-body tr', { hasText: 'steps.pop.fields[0].value' }).locator('td').nth(2).textContent(),
    ' (missing: interaction.dnis)');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.locator('#dry-outcome').filter({ hasText: 'Outcome: executed' }).waitFor();
  assert.deepEqual(await page.locator('#dry-actions li').allTextContents(), ['Shows the card "Call from (555) 123-4567": Number called ']);
  assert.deepEqual(await page.locator('#dry-steps li').allTextContents(),
    ['pop (show) → done · missing interaction.dnis', 'log (log) → done · missing interaction.case']);
  await screenshot(page, 'console-designer');
  // Saved, then frozen as v1: the version holds what was saved.
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.locator('#draft-result').filter({ hasText: 'Draft saved.' }).waitFor();
  await page.getByRole('button', { name: 'Freeze as a version' }).click();
  await page.locator('#draft-result').filter({ hasText: 'Frozen as v1' }).waitFor();
  await page.locator('#versions-body tr[data-version="1"]').waitFor();
  const admin = { Authorization: `Bearer ${server.cli('token', 'create', '--customer', 'acme', '--admin')}` };
  const { workflows } = await (await fetch(`${server.url}/api/admin/instances/${CRM}/workflows`, { headers: admin })).json();
  const stored = await (await fetch(`${server.url}/api/admin/workflows/${workflows.find((w) => w.name === 'Ring pop').id}`, { headers: admin })).json();
  assert.deepEqual(Object.keys(stored.versions[0].definition.steps).sort(), ['log', 'pop']);
  assert.equal(stored.versions[0].createdBy, 'user:dana');
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('versions: the draft compared with a version line by line, and a version restored as the draft', async () => {
  const { context, page, problems } = await signedIn('dana');
  await newWorkflow(page, 'Answer card', 'On Answer');
  await page.getByRole('button', { name: 'Freeze as a version' }).click();
  await page.locator('#draft-result').filter({ hasText: 'Frozen as v1' }).waitFor();
  const changed = JSON.parse(await steps(page).inputValue());
  changed.steps.pop.title = 'Answered {interaction.ani}';
  await steps(page).fill(JSON.stringify(changed, null, 2));
  await verdict(page).filter({ hasText: 'Valid' }).waitFor();
  await page.getByRole('button', { name: 'Compare v1 with the draft' }).click();
  await page.getByRole('heading', { name: 'From v1 to the draft' }).waitFor();
  assert.deepEqual(await page.locator('#diff-text del').allTextContents(), ['-       "title": "Call from {interaction.ani}",']);
  assert.deepEqual(await page.locator('#diff-text ins').allTextContents(), ['+       "title": "Answered {interaction.ani}",']);
  await screenshot(page, 'console-versions');
  // Freezing unsaved changes saves them first; then v1 comes back as the draft.
  await page.getByRole('button', { name: 'Freeze as a version' }).click();
  await page.locator('#draft-result').filter({ hasText: 'Frozen as v2' }).waitFor();
  assert.match(await steps(page).inputValue(), /Answered/);
  await page.getByRole('button', { name: 'Restore v1 as the draft' }).click();
  await page.locator('#draft-result').filter({ hasText: 'The draft is v1 again (saved)' }).waitFor();
  assert.match(await steps(page).inputValue(), /Call from/);
  await page.getByRole('button', { name: 'Compare v1 with the draft' }).click();
  await page.getByRole('heading', { name: 'v1 and the draft are the same' }).waitFor();
  // An edit made elsewhere meanwhile is not overwritten: the save is refused in words.
  const admin = { Authorization: `Bearer ${server.cli('token', 'create', '--customer', 'acme', '--admin')}`, 'Content-Type': 'application/json' };
  const id = decodeURIComponent(new URL(page.url()).hash.split('/')[1]);
  const current = await (await fetch(`${server.url}/api/admin/workflows/${id}`, { headers: admin })).json();
  assert.equal((await fetch(`${server.url}/api/admin/workflows/${id}`, { method: 'PUT', headers: admin,
    body: JSON.stringify({ description: 'changed elsewhere', definition: current.draft }) })).status, 200);
  await page.locator('#draft-form').getByLabel('Description').fill('mine');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.locator('#draft-result').filter({ hasText: /Not saved: someone changed this workflow since revision \d+.*Your text is still here/ }).waitFor();
  assert.deepEqual(unexpected(problems).filter((p) => !p.includes('409')), []);
  await context.close();
});

test('export, import, duplicate and delete: the exported file makes the same workflow again', async () => {
  const { context, page, problems } = await signedIn('dana');
  await newWorkflow(page, 'Record pop', 'On Ring', 'record');
  await verdict(page).filter({ hasText: 'Valid: 3 step(s), starting at "known".' }).waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'Record-pop.json');
  const saved = join(server.dataDir, 'exported.json');
  await file.saveAs(saved);
  const exported = JSON.parse(readFileSync(saved, 'utf8'));
  assert.deepEqual(Object.keys(exported), ['name', 'event', 'description', 'definition']);
  assert.equal(exported.definition.start, 'known');
  // Imported as a new workflow (a bare definition would do too).
  await page.getByRole('link', { name: '← Workflows' }).click();
  const form = page.locator('#workflow-form');
  await form.getByLabel('Name').fill('Record pop imported');
  await form.getByLabel('Start from').selectOption('file');
  await form.getByLabel('File').setInputFiles(saved);
  await form.getByRole('button', { name: 'Create and open' }).click();
  await page.getByRole('heading', { name: 'Record pop imported · ' }).waitFor();
  assert.deepEqual(JSON.parse(await steps(page).inputValue()), exported.definition);
  // A file with a bad step is refused with the validator's words, and nothing is made.
  writeFileSync(saved, JSON.stringify({ schema: 1, start: 'x', steps: { x: { type: 'teleport' } } }));
  await page.getByRole('link', { name: '← Workflows' }).click();
  await form.getByLabel('Name').fill('Broken');
  await form.getByLabel('Start from').selectOption('file');
  await form.getByLabel('File').setInputFiles(saved);
  await form.getByRole('button', { name: 'Create and open' }).click();
  await page.locator('#workflows-error').filter({ hasText: "step 'x'" }).waitFor();
  assert.equal(await page.locator('#workflows-body tr', { hasText: 'Broken' }).count(), 0);
  // Duplicate, then delete the copy.
  await page.getByRole('link', { name: 'Record pop', exact: true }).click();
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await page.getByRole('heading', { name: 'Record pop (copy) · ' }).waitFor();
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  await page.locator('#workflows-body tr', { hasText: 'Record pop imported' }).waitFor();
  assert.equal(await page.locator('#workflows-body tr', { hasText: 'Record pop (copy)' }).count(), 0);
  await screenshot(page, 'console-workflows');
  assert.deepEqual(unexpected(problems).filter((p) => !p.includes('400')), []);
  await context.close();
});

test('unpublishing asks first and says what the profile falls back to; a viewer is offered none', async () => {
  const viewer = await signedIn('vic');
  await viewer.page.getByRole('link', { name: 'Publishing' }).click();
  await viewer.page.locator('#publishing-body tr[data-event="On Hold"]').waitFor();
  assert.equal(await viewer.page.getByRole('button', { name: /^Unpublish/ }).count(), 0);
  await viewer.context.close();
  const { context, page } = await signedIn('dana');
  await page.getByRole('link', { name: 'Publishing' }).click();
  const hold = page.locator('#publishing-body tr[data-event="On Hold"]');
  await hold.waitFor();
  assert.deepEqual(await hold.locator('td').allTextContents(), ['Hold note v1 Unpublish', 'Hold note v1 (its own) Unpublish']);
  const asked = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); dialog.accept(); });
  await page.getByRole('button', { name: 'Unpublish Hold note from Tier 2 for On Hold' }).click();
  await page.locator('#publish-result').filter({ hasText: 'Unpublished Hold note from Tier 2 for On Hold.' }).waitFor();
  assert.match(asked[0], /its agents get what is published to all profiles/);
  await hold.locator('td', { hasText: 'Hold note v1 (from all)' }).waitFor();
  assert.deepEqual(await hold.locator('td').allTextContents(), ['Hold note v1 Unpublish', 'Hold note v1 (from all)']);
  await context.close();
});

test('a new administrator, in the browser only: key, instance, an "On Ring" workflow published, an agent link, a test trigger that pops, its timeline', async () => {
  const { context, page, problems } = await signedIn('ada');
  // A key, shown once.
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.locator('#keys').getByLabel('Label').fill('Telephony');
  await page.getByRole('button', { name: 'Generate key' }).click();
  await page.getByRole('heading', { name: 'Your new key' }).waitFor();
  // An instance.
  await page.getByRole('link', { name: 'Instances' }).click();
  const add = page.locator('#instance-form');
  await add.getByLabel('CRM ID').fill('newco.zendesk.com');
  await add.getByLabel('Name').fill('Newco Zendesk');
  await add.getByLabel('CRM type').selectOption('zendesk');
  await add.getByRole('button', { name: 'Add instance' }).click();
  await page.getByRole('heading', { name: 'Newco Zendesk (newco.zendesk.com)' }).waitFor();
  // An "On Ring" workflow, written, saved and frozen.
  await newWorkflow(page, 'Caller card', 'On Ring');
  const definition = JSON.parse(await steps(page).inputValue());
  definition.steps.pop.title = 'Newco call from {interaction.ani}';
  await steps(page).fill(JSON.stringify(definition, null, 2));
  await verdict(page).filter({ hasText: 'Valid' }).waitFor();
  await page.getByRole('button', { name: 'Freeze as a version' }).click();
  await page.locator('#draft-result').filter({ hasText: 'Frozen as v1' }).waitFor();
  // Published to all profiles.
  await page.getByRole('link', { name: 'Publishing' }).click();
  const publish = page.locator('#publish-form');
  await publish.getByLabel('Workflow').selectOption({ label: 'Caller card (On Ring)' });
  await publish.getByLabel('All profiles').check();
  await publish.getByRole('button', { name: 'Publish' }).click();
  await page.locator('#publishing-body tr[data-event="On Ring"] td', { hasText: 'Caller card v1' }).first().waitFor();
  // An agent link, opened in another tab: the agent's client signs in with it.
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.locator('#link-form').getByLabel('Agent id').fill('2001');
  await page.getByRole('button', { name: 'Make agent link' }).click();
  await page.locator('#new-link').waitFor();  // shown once the server has made the token
  const link = await page.getByLabel('Link', { exact: true }).inputValue();
  assert.ok(link.startsWith(`${server.url}/agent/#token=`), link);
  await page.locator('#links-body tr', { hasText: '2001' }).waitFor();
  const agentProblems = [];
  const agent = await agentPage(context, link, agentProblems);
  await agent.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 15000 });
  // A test trigger from the Live screen pops on the agent's screen.
  await page.bringToFront();
  await page.getByRole('link', { name: 'Live' }).click();
  // The agent's tab is online, over MQTT on a WebSocket.
  const online = page.locator('#online-body tr[data-agent="2001"]');
  await online.locator('td', { hasText: 'Connected' }).waitFor();
  assert.match(await online.locator('td').nth(1).textContent(), /: websocket since /);
  await page.locator('#test-form').getByLabel('Agent').fill('2001');
  await page.locator('#test-form').getByLabel('Interaction data (JSON)').fill('{"ani": "5550102"}');
  await page.getByRole('button', { name: 'Send test trigger' }).click();
  await page.locator('#test-result').filter({ hasText: 'delivered to 1 session(s); runs Caller card v1' }).waitFor();
  await agent.getByRole('heading', { name: 'Newco call from 5550102' }).waitFor();
  // Its timeline: received, resolved, delivered, run.
  await page.getByRole('link', { name: 'Triggers' }).click();
  await page.locator('#triggers').getByLabel('Agent').fill('2001');
  await page.getByRole('button', { name: 'Find' }).click();
  const row = page.locator('#triggers-body tr').first();
  await row.locator('td', { hasText: 'Caller card v1' }).waitFor();
  await row.getByRole('link').click();
  await page.locator('#timeline-runs h4', { hasText: 'executed · Caller card v1' }).waitFor();
  const story = await page.locator('#timeline-story li').allTextContents();
  assert.match(story.join(' | '), /Received \| .*Resolved to Caller card v1 \| .*Delivered over .* \| .*Run reported: executed/);
  await screenshot(page, 'console-new-admin-timeline');
  assert.deepEqual(unexpected(problems), []);
  assert.deepEqual(agentProblems, []);
  await context.close();
});
