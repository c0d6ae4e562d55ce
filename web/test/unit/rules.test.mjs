// Dedupe, stale and supersede: which triggers run (docs/agent.md, "The rules").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeenTriggers, decide, ageOf, interactionKey, supersededIn } from '../../agent/runtime/rules.js';

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

const catalog = {
  crmId: 'crm.example.com', profile: 'Tier 1',
  rules: { staleAfter: { 'On Ring': 30 }, supersedeBy: 'callId' },
  workflows: [{ event: 'On Ring', name: 'Ring', version: 2, definition: {} }, { event: 'On End', name: 'End', version: 1, definition: {} }],
  otherProfiles: ['On Hold'],
};
const now = Date.parse('2026-12-02T10:00:00Z');
const message = (fields) => ({ id: 'm1', channel: 'CTI', event: 'On Ring', receivedAt: '2026-12-02T09:59:50Z', data: { callId: 'c1' }, ...fields });
const seen = (storage = new MemoryStorage()) => new SeenTriggers(storage, 'seen');

test('a trigger already taken is a duplicate, also after a reload (the ids are in storage)', () => {
  const storage = new MemoryStorage();
  const first = seen(storage);
  assert.equal(decide(message(), catalog, { seen: first, localNow: now }).run, true);
  first.add('m1', now);
  const afterReload = seen(storage);
  assert.deepEqual(decide(message(), catalog, { seen: afterReload, localNow: now }).outcome, 'duplicate');
});

test('the seen list is bounded by count and age', () => {
  const list = new SeenTriggers(new MemoryStorage(), 'seen', { max: 3, keepMs: 1000 });
  for (const id of ['a', 'b', 'c', 'd']) list.add(id, now);
  assert.deepEqual([...list.entries.keys()], ['b', 'c', 'd']);
  list.add('e', now + 5000);
  assert.deepEqual([...list.entries.keys()], ['e']);
  assert.doesNotThrow(() => new SeenTriggers({ getItem: () => '{broken', setItem: () => { throw new Error('full'); } }, 'x').add('a', now));
});

test("stale: older than its event's age by the server's clock; other events have no age limit", () => {
  assert.equal(decide(message(), catalog, { seen: seen(), localNow: now }).run, true, '10 s old');
  const old = decide(message({ receivedAt: '2026-12-02T09:59:20Z' }), catalog, { seen: seen(), localNow: now });
  assert.equal(old.outcome, 'stale');
  assert.match(old.reason, /40 s old; 'On Ring' pops for 30 s/);
  assert.equal(decide(message({ receivedAt: '2026-12-02T09:59:20Z' }), catalog, { seen: seen(), localNow: now - 20000, serverOffsetMs: 0 }).run, true);
  assert.equal(decide(message({ receivedAt: '2026-12-02T09:59:50Z' }), catalog, { seen: seen(), localNow: now, serverOffsetMs: 25000 }).outcome, 'stale',
    'a local clock 25 s behind the server is corrected');
  assert.equal(decide(message({ event: 'On End', receivedAt: '2026-12-01T00:00:00Z' }), catalog, { seen: seen(), localNow: now }).run, true);
  assert.equal(ageOf({ receivedAt: 'garbage' }, now), 0);
  const asked = decide(message({ receivedAt: '2026-12-02T09:00:00Z' }), catalog, { seen: seen(), localNow: now, manual: true });
  assert.equal(asked.run, true, 'a missed pop the agent runs is not stale');
});

test('nothing published: no_publication, or profile_mismatch when other profiles have it', () => {
  assert.equal(decide(message({ event: 'On Answer' }), catalog, { seen: seen(), localNow: now }).outcome, 'no_publication');
  assert.equal(decide(message({ event: 'On Hold' }), catalog, { seen: seen(), localNow: now }).outcome, 'profile_mismatch');
  assert.equal(decide(message({ event: 'on ring' }), catalog, { seen: seen(), localNow: now }).outcome, 'no_publication', 'names are exact');
  const other = decide(message({ channel: 'CRM', crmId: 'other.example.com' }), catalog, { seen: seen(), localNow: now });
  assert.equal(other.outcome, 'no_publication');
  assert.match(other.reason, /for instance other.example.com/);
  assert.equal(decide(message(), { ...catalog, rules: undefined }, { seen: seen(), localNow: now - 1e9 }).run, true, 'no rules: no age limit');
});

test('supersede: of triggers arriving together, a newer one of the same interaction wins', () => {
  const ring = message({ id: 'r', data: { callId: 'c1' } });
  const end = message({ id: 'e', event: 'On End', data: { callId: 'c1' } });
  const otherCall = message({ id: 'o', data: { callId: 'c2' } });
  const anonymous = message({ id: 'n', data: {} });
  const [superseded, kept] = supersededIn([ring, otherCall, end, anonymous], 'callId');
  assert.deepEqual(superseded.map((m) => m.id), ['r']);
  assert.deepEqual(kept.map((m) => m.id), ['o', 'e', 'n']);
  assert.deepEqual(supersededIn([ring, end], null)[1].map((m) => m.id), ['r', 'e'], 'off without a key');
  assert.equal(interactionKey(message({ data: { callId: 42 } }), 'callId'), '42');
  assert.equal(interactionKey(message({ data: { callId: '' } }), 'callId'), null);
});
