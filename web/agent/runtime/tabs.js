// One agent, several tabs of one browser: exactly one tab (the leader) holds the connection
// and runs each trigger; the others follow what it broadcasts. Messages between tabs go over a
// BroadcastChannel of the same name.
//
//   const tabs = new Tabs('popflow.acme.1001');
//   tabs.onLead = () => startConnection();     // called at most once, when this tab leads
//   tabs.onMessage = (message) => mirror(message);
//   tabs.start();
//   tabs.post({ type: 'pop', ... });            // from the leader to the followers
//
// Who leads: whoever holds the Web Lock `name`. When its tab closes the browser releases the
// lock and the next waiting tab leads at once (and reconnects to the same persistent session,
// so nothing queued is lost). Web Locks exist only in secure contexts (https, localhost); on a
// plain-http origin the tabs agree through a lease in localStorage instead (LeaseElection),
// so two tabs never fight over the one persistent session.
export class Tabs {
  constructor(name, {
    locks = globalThis.navigator?.locks,
    Channel = globalThis.BroadcastChannel,
    storage = globalThis.localStorage,
    clock = { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) },
    events = globalThis.window,
  } = {}) {
    this.name = name;
    this.locks = locks;
    this.channel = Channel ? new Channel(name) : null;
    this.election = locks ? null : new LeaseElection(`${name}.leader`, storage, clock, () => this.lead());
    // The leader's lease removed by its closing tab (a `storage` event in the others): the
    // hand-over's second messenger, should the channel's message be lost as that tab goes.
    if (this.election) {
      events?.addEventListener?.('storage', (event) => {
        if (event.key === this.election.key && event.newValue === null) this.election.claim();
      });
    }
    this.leading = false;
    this.onLead = () => {};
    this.onMessage = () => {};
  }

  start() {
    if (this.channel) {
      this.channel.onmessage = (event) => {
        if (event.data?.type === 'tabs.released') this.election?.claim();
        else this.onMessage(event.data);
      };
    }
    if (this.election) {
      this.election.start();
      return;
    }
    this.waiting = new AbortController();
    this.locks.request(this.name, { signal: this.waiting.signal }, () => {
      this.lead();
      return new Promise((resolve) => {
        this.release = resolve;
      });
    }).catch(() => {});  // an abandoned wait (close() before this tab led)
  }

  lead() {
    this.leading = true;
    this.onLead();
  }

  post(message) {
    this.channel?.postMessage(message);
  }

  // Call when the tab goes away (pagehide): the next tab takes over at once.
  close() {
    if (this.election) {
      if (this.election.stop()) this.channel?.postMessage({ type: 'tabs.released' });
    } else {
      if (!this.leading) this.waiting?.abort();
      this.release?.();
    }
    this.channel?.close();
  }
}

// Leader election without Web Locks: the leader keeps a lease `{tab, until}` in a Storage,
// renewed every `renewMs`; another tab claims it when it is missing or has expired, or at once
// when the leader says it released it (Tabs' `tabs.released`, or the lease's removal seen as a
// `storage` event). Followers also look at the lease every `pollMs`, so a hand-over whose
// messages were lost with the closing tab still happens within that time. A claim is written,
// then read back after `settleMs`: of two tabs claiming together, only the last writer leads.
//
// The lease outlives Chromium's throttling of hidden tabs (timers once a minute), so a leader
// in a background tab keeps leading; a leader that dies without closing (a crashed renderer)
// is replaced once its lease runs out.
export class LeaseElection {
  constructor(key, storage, clock, onLead, { leaseMs = 150000, renewMs = 10000, pollMs = 2000, settleMs = 50 } = {}) {
    this.key = key;
    this.storage = storage;
    this.clock = clock;
    this.onLead = onLead;
    this.leaseMs = leaseMs;
    this.renewMs = renewMs;
    this.pollMs = pollMs;
    this.settleMs = settleMs;
    this.tab = `${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
    this.leading = false;
    this.stopped = false;
    this.timer = null;
  }

  start() {
    this.claim();
  }

  lease() {
    try {
      return JSON.parse(this.storage.getItem(this.key) ?? 'null');
    } catch {
      return null;
    }
  }

  write(until) {
    try {
      this.storage.setItem(this.key, JSON.stringify({ tab: this.tab, until }));
    } catch {
      // storage refused: the read-back decides
    }
  }

  // Tries to lead now; otherwise looks again when the current lease runs out.
  claim() {
    if (this.leading || this.stopped) return;
    const current = this.lease();
    const now = this.clock.now();
    if (current && current.tab !== this.tab && current.until > now) {
      this.schedule(() => this.claim(), Math.min(current.until - now + 1, this.pollMs));
      return;
    }
    this.write(now + this.leaseMs);
    this.schedule(() => {
      if (this.stopped) return;
      if (this.lease()?.tab !== this.tab) {
        this.claim();
        return;
      }
      this.leading = true;
      this.renew();
      this.onLead();
    }, this.settleMs);
  }

  renew() {
    this.write(this.clock.now() + this.leaseMs);
    this.schedule(() => this.renew(), this.renewMs);
  }

  schedule(f, ms) {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(f, ms);
  }

  // Stops claiming or renewing; true when this tab led (its lease is removed).
  stop() {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    if (!this.leading) return false;
    if (this.lease()?.tab === this.tab) {
      try {
        this.storage.removeItem(this.key);
      } catch {
        // the lease runs out by itself
      }
    }
    return true;
  }
}
