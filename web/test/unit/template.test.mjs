// The templates of docs/workflows.md, rendered as the server's validator reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, parse, resolveValue, isWebUrl } from '../../agent/runtime/template.js';

const context = {
  interaction: { ani: '+1 (555) 010-2000', name: 'Ann', spend: 12000, vip: true, tags: ['a', 'b'], nothing: null,
    contacts: [{ name: 'Ann', id: 'c1' }, { name: 'Bob', id: 'c2' }], 'odd key': 'x' },
  trigger: { id: 't1', event: 'On Ring', agentId: '1001' },
  agent: { id: '1001' },
  vars: { lookup: { status: 200, body: { items: [{ name: 'Ann Smith' }] } } },
};
const text = (template) => render(template, context).text;

test('paths read strings as themselves, numbers and bools as JSON, objects compactly, null as nothing', () => {
  assert.equal(text('Call from {interaction.name}'), 'Call from Ann');
  assert.equal(text('{interaction.spend} {interaction.vip}'), '12000 true');
  assert.equal(text('{interaction.tags}'), '["a","b"]');
  assert.equal(text('[{interaction.nothing}]'), '[]');
  assert.equal(text('{vars.lookup.body.items.0.name}'), 'Ann Smith');
  assert.equal(text('{interaction.contacts.1.id}'), 'c2');
});

test('a missing path renders nothing, is noted once, and never throws', () => {
  const missing = [];
  assert.equal(render('a{interaction.case}b{interaction.case}{vars.x.y}', context, missing).text, 'ab');
  assert.deepEqual(missing, ['interaction.case', 'vars.x.y']);
  assert.equal(text('{interaction.name.first}'), '', 'a string has no fields');
  assert.equal(text('{interaction.tags.x}'), '', 'an array is indexed by digits only');
  assert.equal(text('{interaction.constructor}'), '', 'no prototype members');
  assert.equal(text('{interaction.__proto__}'), '');
});

test('defaults apply to missing and null values, before the filters', () => {
  assert.equal(text("{interaction.case ?? 'none'}"), 'none');
  assert.equal(text("{interaction.nothing ?? 'none'}"), 'none');
  assert.equal(text("{interaction.name ?? 'none'}"), 'Ann');
  assert.equal(text("{interaction.queue ?? 'General' |upper}"), 'GENERAL');
  assert.equal(text("{interaction.q ?? 'it\\'s \\\\ here'}"), "it's \\ here");
});

test('filters: urlencode (RFC 3986, UTF-8), digits, ASCII case, json', () => {
  assert.equal(text('{interaction.ani|digits}'), '15550102000');
  assert.equal(text('{interaction.ani|urlencode}'), '%2B1%20%28555%29%20010-2000');
  assert.equal(render('{interaction.x|urlencode}', { interaction: { x: 'é~' } }).text, '%C3%A9~');
  assert.equal(render('{interaction.x|upper}', { interaction: { x: 'straße' } }).text, 'STRAßE');
  assert.equal(text('{interaction.name|json}'), '"Ann"');
  assert.equal(text('{interaction.spend|json}'), '12000');
  assert.equal(text('{interaction.case|json}'), 'null');
  assert.equal(text('{ interaction.name | lower | json }'), '"ann"');
});

test('literal braces and text that does not parse', () => {
  assert.equal(text('{{literal}} {interaction.name}'), '{literal} Ann');
  const missing = [];
  assert.equal(render('{unclosed', context, missing).text, '{unclosed');
  assert.match(missing[0], /never closed/);
  assert.throws(() => parse('{interaction.x|shout}'), /unknown filter 'shout'/);
  assert.throws(() => parse("{interaction.x |upper ?? 'a'}"), /unexpected/);
});

test('a list placeholder resolves to the value itself; URLs must be http(s)', () => {
  assert.equal(resolveValue('{interaction.contacts}', context).length, 2);
  assert.equal(resolveValue('{interaction.none}', context), undefined);
  assert.equal(isWebUrl('https://crm.example.com/x'), true);
  assert.equal(isWebUrl('HTTP://crm'), true);
  assert.equal(isWebUrl('javascript:alert(1)'), false);
  assert.equal(isWebUrl(' https://x'), false);
});
