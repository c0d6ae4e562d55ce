// The console's designer helpers without a browser: the graph's layout and words
// (web/admin/graph.js), and trying a draft (web/admin/tryout.js): templates rendered against
// sample data, and a dry run that shows, opens and sends nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, outline } from '../../admin/graph.js';
import { previewTemplates, sampleContext, dryRun } from '../../admin/tryout.js';

const diamond = {
  schema: 1, start: 'vip',
  steps: {
    vip: { type: 'if', all: [{ left: '{interaction.tier}', op: 'equals', right: 'gold' }], next: { then: 'gold', else: 'plain' } },
    gold: { type: 'notify', title: 'Gold caller', message: '{interaction.name}', next: { done: 'log' } },
    plain: { type: 'show', title: 'Call from {interaction.ani|digits}', next: { done: 'log' } },
    log: { type: 'log', message: 'done' },
  },
};

test('a step sits one layer below the deepest step that leads to it; the start comes first', () => {
  const { nodes, edges, width, height } = layout(diamond);
  const at = Object.fromEntries(nodes.map((n) => [n.id, n]));
  assert.deepEqual(nodes.map((n) => [n.id, n.layer]), [['vip', 0], ['gold', 1], ['plain', 1], ['log', 2]]);
  assert.equal(edges.length, 4);
  assert.ok(at.gold.x < at.plain.x && at.gold.y === at.plain.y, 'siblings side by side');
  assert.ok(at.log.y > at.gold.y && at.gold.y > at.vip.y, 'layers top to bottom');
  assert.ok(width > 2 * 168 && height > 3 * 46);
  // A longer path pushes a step further down than a short one would.
  const skip = structuredClone(diamond);
  skip.steps.vip.next.else = 'log';
  skip.steps.plain = { type: 'log', message: 'x' };
  skip.steps.gold.next.done = 'plain';
  skip.steps.plain.next = { done: 'log' };
  assert.deepEqual(layout(skip).nodes.map((n) => [n.id, n.layer]), [['vip', 0], ['gold', 1], ['plain', 2], ['log', 3]]);
});

test('the outline says each step, its type and where each branch goes', () => {
  assert.deepEqual(outline(diamond), [
    'vip (if), the start: then → gold, else → plain',
    'gold (notify): done → log',
    'plain (show): done → log',
    'log (log): ends the run',
  ]);
});

test('templates are rendered against the sample, each named by its place in the definition, a missing path noted', () => {
  const context = sampleContext({ ani: '(555) 010-2000', tier: 'gold' }, { event: 'On Ring', crmId: 'acme.example.com' });
  assert.equal(context.trigger.channel, 'CRM');
  const rows = previewTemplates(diamond, context);
  assert.deepEqual(rows.map((r) => [r.where, r.rendered, r.missing]), [
    ['steps.vip.all[0].left', 'gold', []],
    ['steps.gold.message', '', ['interaction.name']],
    ['steps.plain.title', 'Call from 5550102000', []],
  ]);
});

test('a dry run takes the branches the sample leads to, and shows, opens and sends nothing', async () => {
  const definition = {
    schema: 1, start: 'ask',
    steps: {
      ask: { type: 'form', title: 'Why?', fields: [{ name: 'reason', label: 'Reason' }], buttons: [{ id: 'open', label: 'Open' }, { id: 'skip', label: 'Skip' }], next: { open: 'lookup' } },
      lookup: { type: 'http', method: 'POST', url: 'https://crm.example.com/api/lookup?n={interaction.ani}', save_as: 'found', next: { ok: 'record' } },
      record: { type: 'open_record', record_type: 'contact', record_id: '{interaction.contactId}' },
    },
  };
  const sent = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (...args) => { sent.push(args); throw new Error('no request may leave a dry run'); };
  try {
    const { report, actions } = await dryRun(definition, sampleContext({ ani: '5550100', contactId: 'C-7' }, { event: 'On Ring' }),
      { record: 'https://crm.example.com/{record.type}/{record.id}' });
    assert.equal(report.outcome, 'executed', JSON.stringify(report));
    assert.deepEqual(report.steps.map((s) => [s.step, s.branch]), [['ask', 'open'], ['lookup', 'ok'], ['record', 'done']]);
    assert.deepEqual(actions, [
      'Asks "Why?" (answered with its first button, "Open")',
      'Would send POST https://crm.example.com/api/lookup?n=5550100 (not sent: answered 200 with an empty body)',
      'Opens https://crm.example.com/contact/C-7 in a new tab',
    ]);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(sent, []);
});
