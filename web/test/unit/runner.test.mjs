// Each step type's semantics (docs/workflows.md, "Steps") with a scripted UI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkflow } from '../../agent/runtime/runner.js';

function scriptedUi(answers = []) {
  const seen = [];
  return {
    seen,
    show: (card) => seen.push(['show', card]),
    notify: (note) => seen.push(['notify', note]),
    form: async (spec, signal) => {
      seen.push(['form', spec]);
      return answers.shift() ?? new Promise((resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('withdrawn'))));
    },
    choose: async (spec) => {
      seen.push(['choose', spec]);
      return answers.shift();
    },
  };
}

const context = { interaction: { ani: '5551234', name: 'Ann', tier: 'Gold', spend: '12000',
  orders: [{ id: 'o1' }, { id: 'o2' }, { id: 'o3' }], contacts: [{ name: 'Ann', id: 'c1' }, { name: 'Bob', id: 'c2' }] },
trigger: { id: 't1', channel: 'CTI', agentId: '1001', event: 'On Ring', crmId: '' }, agent: { id: '1001', instance: 'crm.example.com' } };

const run = (steps, env = {}, start = Object.keys(steps)[0]) =>
  runWorkflow({ schema: 1, start, steps }, context, { ui: scriptedUi(), open: () => {}, ...env });
const path = (report) => report.steps.map((s) => [s.step, s.branch]);

test('show renders its card and takes done; a missing path is noted in the trace', async () => {
  const ui = scriptedUi();
  const report = await run({
    card: { type: 'show', title: 'Call from {interaction.ani}', fields: [{ label: 'Case', value: '{interaction.case}' }], sound: true, next: { done: 'end' } },
    end: { type: 'log', message: 'shown to {trigger.agentId}' },
  }, { ui });
  assert.equal(report.outcome, 'executed');
  assert.deepEqual(ui.seen[0], ['show', { title: 'Call from 5551234', fields: [{ label: 'Case', value: '' }], sound: true, notify: false }]);
  assert.deepEqual(path(report), [['card', 'done'], ['end', 'done']]);
  assert.deepEqual(report.steps[0].missing, ['interaction.case']);
  assert.equal(report.steps[1].message, 'shown to 1001');
});

test("a form's pressed button is its branch and save_as keeps the values", async () => {
  const ui = scriptedUi([{ button: 'save', values: { reason: 'Sale' } }]);
  const report = await run({
    wrap: { type: 'form', title: 'Wrap', save_as: 'wrap', fields: [{ name: 'reason', default: '{interaction.name}' }],
      buttons: [{ id: 'save', label: 'Save' }], next: { save: 'log' } },
    log: { type: 'log', message: '{vars.wrap.reason} via {vars.wrap.button}' },
  }, { ui });
  assert.equal(ui.seen[0][1].fields[0].default, 'Ann');
  assert.equal(ui.seen[0][1].fields[0].label, 'reason');
  assert.equal(report.steps[1].message, 'Sale via save');
});

test('choose renders each row, saves the picked one, and cancel is a branch', async () => {
  const steps = {
    pick: { type: 'choose', title: 'Which?', rows: '{interaction.contacts}', as: 'c', save_as: 'contact',
      columns: [{ label: 'Name', value: '{vars.c.name}' }], buttons: [{ id: 'open', label: 'Open' }],
      next: { open: 'go', cancel: 'none' } },
    go: { type: 'open_record', record_type: 'contact', record_id: '{vars.contact.id}' },
    none: { type: 'log', message: 'cancelled' },
  };
  const opened = [];
  const ui = scriptedUi([{ button: 'open', row: 1 }]);
  const report = await run(steps, { ui, open: (url, target) => opened.push([url, target]), urls: { record: 'https://{trigger.crmId}/{record.type}/{record.id}' } });
  assert.deepEqual(ui.seen[0][1].rows, [['Ann'], ['Bob']]);
  assert.deepEqual(opened, [['https://crm.example.com/contact/c2', 'tab']]);
  assert.deepEqual(path(report), [['pick', 'open'], ['go', 'done']]);
  const cancelled = await run(steps, { ui: scriptedUi([{ button: 'cancel', row: -1 }]) });
  assert.deepEqual(path(cancelled), [['pick', 'cancel'], ['none', 'done']]);
});

test('if, switch, set and for_each', async () => {
  const report = await run({
    vip: { type: 'if', any: [{ left: '{interaction.tier|lower}', op: 'equals', right: 'gold' }, { left: '{interaction.spend}', op: 'gt', right: 'x' }], next: { then: 'q', else: 'end' } },
    q: { type: 'switch', value: '{interaction.tier}', cases: ['Gold', 'Silver'], next: { Gold: 's', default: 'end' } },
    s: { type: 'set', vars: { phone: '{interaction.ani|digits}' }, next: { done: 'each' } },
    each: { type: 'for_each', items: '{interaction.orders}', as: 'order', limit: 2, next: { body: 'one', done: 'end' } },
    one: { type: 'log', message: '{vars.order.id} for {vars.phone}' },
    end: { type: 'log', message: 'end' },
  });
  assert.deepEqual(path(report), [['vip', 'then'], ['q', 'Gold'], ['s', 'done'], ['one', 'done'], ['one', 'done'], ['each', 'done'], ['end', 'done']]);
  assert.deepEqual(report.steps.filter((s) => s.step === 'one').map((s) => s.message), ['o1 for 5551234', 'o2 for 5551234']);
  for (const [op, left, right, expected] of [['contains', 'abc', 'b', true], ['starts_with', 'abc', 'b', false], ['ends_with', 'abc', 'c', true],
    ['empty', '', '', true], ['not_empty', '', '', false], ['lt', '2', '10', true], ['gt', 'a', '1', false], ['matches', 'A-12', '^A-\\d+$', true],
    ['matches', 'x', '(', false], ['not_equals', 'a', 'b', true]]) {
    const r = await run({ c: { type: 'if', all: [{ left, op, right }] } });
    assert.equal(r.steps[0].branch, expected ? 'then' : 'else', `${left} ${op} ${right}`);
  }
});

test('stop ends the run with its outcome and reason, also from inside a loop', async () => {
  const failed = await run({ x: { type: 'stop', outcome: 'failed', reason: 'no case on {trigger.id}' } });
  assert.equal(failed.outcome, 'failed');
  assert.equal(failed.error, 'no case on t1');
  const looped = await run({
    each: { type: 'for_each', items: '{interaction.orders}', next: { body: 'halt', done: 'after' } },
    halt: { type: 'stop', reason: 'first is enough' },
    after: { type: 'log', message: 'never' },
  });
  assert.equal(looped.outcome, 'executed');
  assert.equal(looped.steps.some((s) => s.step === 'after'), false);
});

test('open_url refuses what is not http(s); open_search and new_record use the instance templates', async () => {
  const opened = [];
  const env = { open: (url, target) => opened.push([url, target]), urls: { newRecord: 'https://{trigger.crmId}/{record.type}/new', search: 'https://crm/s?q={search.term}' } };
  const report = await run({
    n: { type: 'new_record', record_type: 'contact', target: 'self', next: { done: 's' } },
    s: { type: 'open_search', term: '{interaction.ani}', next: { done: 'u' } },
    u: { type: 'open_url', url: '{interaction.name}' },
  }, env);
  assert.deepEqual(opened, [['https://crm.example.com/contact/new', 'self'], ['https://crm/s?q=5551234', 'tab']]);
  assert.equal(report.outcome, 'failed');
  assert.match(report.error, /step 'u' \(open_url\): 'Ann' is not an http\(s\) URL/);
  const noTemplate = await run({ r: { type: 'open_record', record_type: 'x', record_id: '1' } });
  assert.match(noTemplate.error, /no record URL template/);
});

test('http: templated request, save_as, ok for 2xx, error branch for a status or a timeout, failed without one', async () => {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push([url, init]);
    if (url.includes('slow')) return new Promise((resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    if (url.includes('missing')) return new Response('not here', { status: 404 });
    return new Response(JSON.stringify({ name: 'Ann Smith' }), { status: 200 });
  };
  const steps = (url) => ({
    call: { type: 'http', method: 'POST', url, headers: { 'X-Agent': '{trigger.agentId}' }, body: { phone: '{interaction.ani}', n: 3 },
      save_as: 'r', timeout_ms: 50, next: { ok: 'ok', error: 'bad' } },
    ok: { type: 'log', message: '{vars.r.status} {vars.r.body.name}' },
    bad: { type: 'log', message: '{vars.r.status} {vars.r.error} {vars.r.body}' },
  });
  const ok = await run(steps('https://api/find'), { fetch });
  assert.equal(ok.steps[1].message, '200 Ann Smith');
  assert.deepEqual(requests[0][1].headers, { 'X-Agent': '1001' });
  assert.equal(requests[0][1].body, '{"phone":"5551234","n":3}');
  const missing = await run(steps('https://api/missing'), { fetch });
  assert.equal(missing.steps[1].message, '404 HTTP 404 not here');
  const slow = await run(steps('https://api/slow'), { fetch });
  assert.deepEqual(path(slow), [['call', 'error'], ['bad', 'done']]);
  assert.equal(slow.steps[1].message, '0 no answer within 50 ms ');
  const unhandled = await run({ call: { type: 'http', method: 'GET', url: 'https://api/missing' } }, { fetch });
  assert.equal(unhandled.outcome, 'failed');
  assert.match(unhandled.error, /HTTP 404/);
});

test('an aborted run (superseded) withdraws its form and ends superseded', async () => {
  const controller = new AbortController();
  const pending = run({ f: { type: 'form', title: 'x', fields: [], buttons: [{ id: 'a', label: 'A' }] }, never: { type: 'log', message: 'x' } },
    { ui: scriptedUi(), signal: controller.signal });
  setTimeout(() => controller.abort(), 10);
  const report = await pending;
  assert.equal(report.outcome, 'superseded');
  assert.deepEqual(report.steps.map((s) => s.step), ['f']);
});

test('the trace is bounded however long the run', async () => {
  const orders = Array.from({ length: 1000 }, (_, i) => ({ id: i }));
  const report = await runWorkflow({ schema: 1, start: 'each', steps: {
    each: { type: 'for_each', items: '{interaction.orders}', next: { body: 'one' } }, one: { type: 'log', message: '{vars.item.id}' } } },
  { interaction: { orders } }, { ui: scriptedUi(), open: () => {} });
  assert.equal(report.outcome, 'executed');
  assert.equal(report.steps.length, 201);
  assert.match(report.steps[200].note, /801 more steps/);
});
