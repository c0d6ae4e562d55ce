// docs/agent.md's "Embedding the runtime": a CRM add-in on another origin imports PopFlow from
// the server, gives it its own UI, and the pop and the run happen as in /agent/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Server, launchBrowser, agentPage } from './harness.mjs';

const CRM = 'embed.crm.example.com';
let server;
let addin;
let browser;

// The add-in: its page renders cards into a list and answers forms with their first button.
const page = (popflowUrl) => `<!doctype html><html><body><ul id="cards"></ul><p id="state"></p>
<script type="module">
  import { PopFlow } from '${popflowUrl}/agent/runtime/popflow.js';
  const params = new URLSearchParams(location.hash.slice(1));
  const say = (text) => { document.getElementById('state').textContent = text; };
  const popflow = new PopFlow({
    server: '${popflowUrl}', token: params.get('token'), crmId: '${CRM}',
    ui: {
      show(card) {
        const item = document.createElement('li');
        item.textContent = card.title + ' | ' + card.fields.map((f) => f.label + '=' + f.value).join(', ');
        document.getElementById('cards').append(item);
      },
      notify() {},
      form: async (spec) => ({ button: spec.buttons[0].id, values: {} }),
      choose: async (spec) => ({ button: 'cancel', row: -1 }),
    },
    open: (url) => say('opened ' + url),
  });
  popflow.addEventListener('status', (e) => say(e.detail.state));
  popflow.addEventListener('signedout', (e) => say('signed out: ' + e.detail.message));
  popflow.start();
</script></body></html>`;

before(async () => {
  server = new Server();
  server.setUp('acme', {
    popflowWorkflows: 1, instance: { crmId: CRM, name: 'Embedded', crmType: 'salesforce' }, profiles: [], agents: [], events: [],
    workflows: [{ name: 'Ring', event: 'On Ring', publish: 'all', definition: { schema: 1, start: 'card', steps: {
      card: { type: 'show', title: 'Call from {interaction.ani}', fields: [{ label: 'Case', value: '{interaction.case}' }], next: { done: 'open' } },
      open: { type: 'open_record', record_type: 'Case', record_id: '{interaction.case}' } } } }],
  });
  await server.start();
  addin = createServer((request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(page(server.url));
  });
  await new Promise((resolve) => addin.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  addin?.close();
});

test('a CRM add-in on another origin runs the published workflow with its own UI', async () => {
  const key = server.cli('key', 'create', '--customer', 'acme');
  const token = server.cli('token', 'create', '--customer', 'acme', '--agent', '2001');
  const problems = [];
  const tab = await agentPage(await browser.newContext(), `http://localhost:${addin.address().port}/#token=${token}`, problems);
  await tab.locator('#state').filter({ hasText: 'connected' }).waitFor();
  const sent = await server.trigger(key, { agentId: '2001', event: 'On Ring', ani: '5552001', case: '00042' });
  await tab.locator('#cards li').filter({ hasText: 'Call from 5552001 | Case=00042' }).waitFor();
  await tab.locator('#state').filter({ hasText: `opened https://${CRM}/lightning/r/Case/00042/view` }).waitFor();
  const [run] = await server.runs(key, sent.body.id);
  assert.equal(run.outcome, 'executed');
  assert.deepEqual(run.steps.map((s) => s.step), ['card', 'open']);
  assert.deepEqual(problems, []);
});
