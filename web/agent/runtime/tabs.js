// One agent, several tabs of one browser: exactly one tab (the leader) holds the connection
// and runs each trigger; the others follow what it broadcasts. The leader is whoever holds the
// Web Lock `name`; when its tab closes the browser releases the lock and the next waiting tab
// becomes leader at once (and reconnects to the same persistent session, so nothing queued
// is lost). Messages between tabs go over a BroadcastChannel of the same name.
//
//   const tabs = new Tabs('popflow.acme.1001');
//   tabs.onLead = () => startConnection();     // called at most once, when this tab leads
//   tabs.onMessage = (message) => mirror(message);
//   tabs.start();
//   tabs.post({ type: 'pop', ... });            // from the leader to the followers
export class Tabs {
  constructor(name, { locks = globalThis.navigator?.locks, Channel = globalThis.BroadcastChannel } = {}) {
    this.name = name;
    this.locks = locks;
    this.channel = Channel ? new Channel(name) : null;
    this.leading = false;
    this.onLead = () => {};
    this.onMessage = () => {};
  }

  start() {
    if (this.channel) this.channel.onmessage = (event) => this.onMessage(event.data);
    if (!this.locks) {
      // No Web Locks (an old browser, an insecure origin): each tab leads on its own.
      this.lead();
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

  close() {
    if (!this.leading) this.waiting?.abort();
    this.release?.();
    this.channel?.close();
  }
}
