// The tabs' leader election without Web Locks (plain-http origins): a lease in a Storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaseElection, Tabs } from '../../agent/runtime/tabs.js';

// A shared Storage and a clock whose timers run when the test advances time.
function world() {
  const items = new Map();
  const storage = {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
  };
  let now = 1000;
  let timers = [];
  let next = 1;
  const clock = {
    now: () => now,
    setTimeout: (f, ms) => {
      const id = next++;
      timers.push({ id, at: now + ms, f });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const due = timers[0];
      if (!due || due.at > end) break;
      timers.shift();
      now = due.at;
      due.f();
    }
    now = end;
  };
  return { storage, clock, advance };
}

// BroadcastChannels of one name that reach each other, as between tabs.
function channels() {
  const open = new Set();
  return class {
    constructor() {
      open.add(this);
    }
    postMessage(data) {
      for (const other of open) if (other !== this) other.onmessage?.({ data });
    }
    close() {
      open.delete(this);
    }
  };
}

test('of tabs starting together exactly one leads, and keeps leading while it renews', () => {
  const { storage, clock, advance } = world();
  const led = [];
  const tabs = [0, 1, 2].map((i) => new LeaseElection('lease', storage, clock, () => led.push(i)));
  for (const tab of tabs) tab.start();
  advance(100);
  assert.equal(led.length, 1);
  advance(10 * 60 * 1000);
  assert.equal(led.length, 1, 'a renewed lease is never taken');
});

test('a leader that dies without closing is replaced once its lease runs out', () => {
  const { storage, clock, advance } = world();
  const led = [];
  const first = new LeaseElection('lease', storage, clock, () => led.push('first'), { leaseMs: 5000 });
  first.start();
  advance(100);
  first.renew = () => {};  // the tab is gone: nothing renews
  const second = new LeaseElection('lease', storage, clock, () => led.push('second'), { leaseMs: 5000 });
  second.start();
  advance(4000);
  assert.deepEqual(led, ['first']);
  advance(12000);
  assert.deepEqual(led, ['first', 'second']);
});

test('without Web Locks, a leader closing hands over to the next tab at once', () => {
  const { storage, clock, advance } = world();
  const Channel = channels();
  const make = () => new Tabs('popflow.acme.1001', { locks: undefined, Channel, storage, clock });
  const a = make();
  const b = make();
  const order = [];
  a.onLead = () => order.push('a');
  b.onLead = () => order.push('b');
  a.start();
  advance(100);
  b.start();
  advance(1000);
  assert.deepEqual(order, ['a']);
  assert.equal(b.leading, false);
  a.close();
  advance(100);
  assert.deepEqual(order, ['a', 'b'], 'the follower took over well before the lease ran out');
});

test('a hand-over whose channel message is lost still happens: the storage event, else the poll', () => {
  for (const messenger of ['storage event', 'poll']) {
    const { storage, clock, advance } = world();
    const Silent = class { postMessage() {} close() {} };  // the closing tab's message never arrives
    const listeners = [];
    const events = { addEventListener: (type, f) => type === 'storage' && listeners.push(f) };
    const a = new Tabs('t', { locks: undefined, Channel: Silent, storage, clock });
    const b = new Tabs('t', { locks: undefined, Channel: Silent, storage, clock, events });
    a.start();
    advance(100);
    b.start();
    advance(30000);
    assert.equal(b.leading, false, messenger);
    a.close();
    if (messenger === 'storage event') {
      for (const f of listeners) f({ key: 't.leader', newValue: null });
      advance(100);
    } else {
      advance(2100);
    }
    assert.equal(b.leading, true, `${messenger}: the follower leads`);
  }
});

test('messages other than the hand-over reach the page', () => {
  const { storage, clock } = world();
  const Channel = channels();
  const a = new Tabs('t', { locks: undefined, Channel, storage, clock });
  const b = new Tabs('t', { locks: undefined, Channel, storage, clock });
  const got = [];
  b.onMessage = (message) => got.push(message.type);
  a.start();
  b.start();
  a.post({ type: 'pop' });
  assert.deepEqual(got, ['pop']);
});
