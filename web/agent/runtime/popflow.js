// PopFlow in the browser: one agent's connection to popflow-connect, the workflows published
// to it, and each trigger from arrival to its reported run. The agent's client at /agent/ is
// built on it, and a CRM add-in (Oracle B2C, Salesforce Open CTI, Zendesk, Dynamics) can
// embed it with its own UI (docs/agent.md, "Embedding the runtime"):
//
//   import { PopFlow } from 'https://connect.example.com/agent/runtime/popflow.js';
//   const popflow = new PopFlow({ server: 'https://connect.example.com', token, ui, crmId, profile });
//   popflow.addEventListener('signedout', (e) => console.log(e.detail.message));
//   await popflow.start();
//
// `ui` is what runner.js asks for: show(card), form(spec, signal), choose(spec, signal),
// notify(note); plus optional close(triggerId) when a newer trigger of the same interaction
// supersedes one still on screen. Events: `status` (connection), `trigger` (received, with the
// decision), `run` (reported), `catalog` (what runs changed), `missed` (triggers a previous
// page took and never ran), `signedout` (the token was refused: wrong, expired, revoked).
//
// Transport: MQTT 5 over WebSocket (mqtt.js) with a persistent session (clean start off, one
// client id per agent per browser), QoS 1: a trigger sent while the page reloads, the laptop
// sleeps or the network drops is queued by the server and arrives on reconnect.
import mqtt from '../vendor/mqtt.esm.js';
import { runWorkflow } from './runner.js';
import { DEFAULT_RULES, SeenTriggers, decide, interactionKey, supersededIn } from './rules.js';

export const CLIENT_VERSION = '1';
const SESSION_EXPIRY_S = 3600;
const REPORT_ATTEMPTS = 5;
const OPEN_INTERACTIONS = 50;

// Calls `f` in a task of its own after the ones already queued, as setTimeout(f, 0) would, but
// without a timer: browsers hold back the timers of a tab in the background (Firefox to 1 s,
// measured: a pop came 1.1 s late), and an agent's CRM tab often is one. A
// message between two ports is a task like any other. In Node (the unit tests) the port must
// not keep the process alive.
let channel;
const callbacks = [];
function nextTask(f) {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => callbacks.shift()();
    channel.port1.unref?.();
  }
  callbacks.push(f);
  channel.port2.postMessage(null);
}

// The claims of a JWT, unverified (the server verifies; this only reads the agent and expiry).
export function tokenClaims(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload + '='.repeat((4 - (payload.length % 4)) % 4)));
  } catch {
    return null;
  }
}

// Triggers taken but not yet run, in a Storage: after a reload those are "missed pops".
class Journal {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
  }

  read() {
    try {
      return JSON.parse(this.storage.getItem(this.key) ?? '[]');
    } catch {
      return [];
    }
  }

  write(list) {
    try {
      this.storage.setItem(this.key, JSON.stringify(list.slice(-50)));
    } catch {
      // storage full: the journal is a convenience
    }
  }

  add(message) {
    this.write([...this.read().filter((m) => m.id !== message.id), message]);
  }

  remove(id) {
    this.write(this.read().filter((m) => m.id !== id));
  }

  take() {
    const list = this.read();
    this.write([]);
    return list;
  }
}

export class PopFlow extends EventTarget {
  constructor({ server = location.origin, token, ui, crmId = '', profile = '', storage = localStorage,
    open = (url, target) => window.open(url, target === 'self' ? 'popflow-crm' : '_blank', 'noopener'),
    fetch: fetcher = globalThis.fetch.bind(globalThis) }) {
    super();
    this.server = server.replace(/\/$/, '');
    this.token = token;
    this.ui = ui;
    this.crmId = crmId;
    this.profile = profile;
    this.open = open;
    this.fetch = fetcher;
    this.claims = tokenClaims(token) ?? {};
    this.customer = this.claims.sub ?? '';
    this.agentId = this.claims.agt ?? '';
    const scope = `popflow.${this.customer}.${this.agentId}`;
    this.storage = storage;
    this.seen = new SeenTriggers(storage, `${scope}.seen`);
    this.journal = new Journal(storage, `${scope}.journal`);
    this.clientIdKey = `${scope}.clientId`;
    this.catalog = null;
    this.serverOffsetMs = 0;
    this.open_ = new Map();     // interaction key → {id, controller} of runs still on screen
    this.inbox = [];            // triggers that arrived before the next task, decided together
    this.stopped = false;
  }

  emit(type, detail) {
    if (this.stopped && type !== 'signedout') return;  // a closing connection says nothing more
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  clientId() {
    let id = this.storage.getItem(this.clientIdKey);
    if (!id) {
      // getRandomValues, not randomUUID: that one exists only in secure contexts.
      const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');
      id = `popflow-agent-${this.agentId}-${random}`;
      this.storage.setItem(this.clientIdKey, id);
    }
    return id;
  }

  async api(path, init = {}) {
    const response = await this.fetch(`${this.server}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${this.token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    });
    const date = Date.parse(response.headers.get('Date') ?? '');
    if (!Number.isNaN(date)) this.serverOffsetMs = date + 500 - Date.now();  // Date has 1 s resolution
    return response;
  }

  // What this agent runs: GET /api/client/workflows. A refused token, or an instance the
  // server cannot place (no crmId for an agent in several, an unknown one), signs out with the
  // server's words; anything else (the network, a 5xx) throws, and the caller tries again.
  async loadCatalog() {
    const query = new URLSearchParams();
    if (this.crmId) query.set('crmId', this.crmId);
    if (this.profile) query.set('profile', this.profile);
    const response = await this.api(`/api/client/workflows?${query}`);
    const body = await response.json().catch(() => ({}));
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      this.signOut(body.message ?? 'the server refused this token');
      return false;
    }
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    // An instance without pop rules of its own gets the defaults (docs/agent.md, "The rules").
    body.rules ??= DEFAULT_RULES;
    this.catalog = body;
    this.emit('catalog', body);
    return true;
  }

  async start() {
    if (this.claims.knd !== 'client') {
      this.signOut('this is not a client token: create one with `popflow-connect token create --customer ID --agent ID`');
      return;
    }
    if (!this.agentId) {
      this.signOut('this token is not limited to one agent: create one with `token create --agent ID`');
      return;
    }
    if (this.claims.exp) {
      const left = this.claims.exp * 1000 - Date.now();
      if (left <= 0) return this.signOut('this token has expired');
      this.expiryTimer = setTimeout(() => this.signOut('this token has expired'), Math.min(left, 2 ** 31 - 1));
    }
    // The server may be away while the page loads (a deploy, the network): keep asking.
    for (let delay = 1000; ; delay = Math.min(delay * 2, 30000)) {
      try {
        if (!(await this.loadCatalog())) return;
        break;
      } catch (error) {
        this.emit('status', { state: 'error', message: `Cannot reach the server (${error.message}); retrying` });
        await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.stopped) return;
      }
    }
    const missed = this.journal.take();
    if (missed.length) {
      for (const message of missed) {
        this.seen.add(message.id, Date.now());  // a redelivery must not run it behind the agent's back
        this.report(message, { outcome: 'stale', error: 'missed: the page closed before it ran' }, null);
      }
      this.emit('missed', missed);
    }
    this.connect();
  }

  connect() {
    const url = `${this.server.replace(/^http/, 'ws')}/mqtt`;
    this.client = mqtt.connect(url, {
      protocolVersion: 5,
      clientId: this.clientId(),
      clean: false,
      username: `agent-${this.agentId}`,
      password: this.token,
      reconnectPeriod: 1000,
      connectTimeout: 10000,
      keepalive: 30,
      resubscribe: false,
      properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
    });
    this.client.on('connect', (connack) => {
      // Connected means pops arrive: a new session is only once its subscriptions are granted
      // (a trigger sent between CONNACK and SUBACK would find no subscriber).
      const connected = () => this.emit('status', { state: 'connected', sessionPresent: connack.sessionPresent });
      if (connack.sessionPresent) connected();
      else this.subscribe(connected);
      // A change announced while offline was missed (QoS 0): ask again after a reconnect.
      if (this.connectedBefore) this.loadCatalog().catch(() => {});
      this.connectedBefore = true;
    });
    this.client.on('reconnect', () => this.emit('status', { state: 'connecting' }));
    this.client.on('offline', () => this.emit('status', { state: 'offline' }));
    this.client.on('close', () => this.emit('status', { state: 'offline' }));
    this.client.on('error', (error) => {
      // CONNACK 0x86 bad credentials, 0x87 not authorized, 0x8C bad authentication method.
      if ([0x86, 0x87, 0x8c, 4, 5].includes(error.code)) this.refused();
    });
    this.client.on('message', (topic, payload) => this.receive(topic, payload));
  }

  subscribe(onGranted) {
    const a = this.agentId;
    const c = this.customer;
    const filters = { [`CTI/${c}/${a}`]: { qos: 1 }, [`CTI/${c}/+/${a}`]: { qos: 1 }, [`CRM/${c}/+/${a}`]: { qos: 1 },
      [`$popflow/catalog/${c}`]: { qos: 0 } };
    this.client.subscribe(filters, (error, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos >= 0x80);
      if (error || refused.length) this.emit('status', { state: 'error', message: `subscription refused: ${error?.message ?? refused.map((g) => g.topic).join(', ')}` });
      else onGranted();
    });
  }

  // The server refused the token at connect: ask the API why, in words, and sign out.
  async refused() {
    this.client?.end(true);
    try {
      const response = await this.api('/api/client/workflows');
      const body = await response.json().catch(() => ({}));
      this.signOut(body.message ?? 'the server refused this token');
    } catch {
      this.signOut('the server refused this token');
    }
  }

  signOut(message) {
    this.stop();
    this.emit('signedout', { message });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.expiryTimer);
    this.client?.end(true);
    for (const { controller } of this.open_.values()) controller.abort();
  }

  receive(topic, payload) {
    if (topic.startsWith('$popflow/catalog/')) {
      this.loadCatalog().catch((error) => this.emit('status', { state: 'error', message: error.message }));
      return;
    }
    let message;
    try {
      message = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return;
    }
    if (!message?.id) return;
    // Kept before mqtt.js acknowledges it (after this handler): a reload from here on offers
    // it as a missed pop instead of losing it.
    if (!this.seen.has(message.id)) this.journal.add(message);
    this.inbox.push(message);
    if (this.inbox.length === 1) nextTask(() => this.drain());
  }

  drain() {
    const batch = this.inbox;
    this.inbox = [];
    const [superseded, kept] = supersededIn(batch, this.catalog?.rules?.supersedeBy);
    for (const message of superseded) this.settle(message, { outcome: 'superseded', error: 'a newer trigger of the same interaction arrived with it' }, null);
    for (const message of kept) this.handle(message);
  }

  settle(message, run, workflow) {
    if (run.outcome !== 'duplicate') this.seen.add(message.id, Date.now());
    this.journal.remove(message.id);
    this.report(message, run, workflow);
  }

  // Runs `message` through the rules and, if they let it, its workflow. `manual`: the agent
  // asked for it (a missed pop), so an id already seen or an age does not stop it.
  async handle(message, { manual = false } = {}) {
    const decision = decide(message, this.catalog ?? { workflows: [] },
      { seen: this.seen, localNow: Date.now(), serverOffsetMs: this.serverOffsetMs, manual });
    this.emit('trigger', { message, decision });
    // A newer trigger of an interaction closes what its older one still shows (an On End
    // closes the On Ring form), whether or not the newer one has a workflow of its own.
    const key = interactionKey(message, this.catalog?.rules?.supersedeBy);
    const older = key === null || decision.outcome === 'duplicate' ? undefined : this.open_.get(key);
    if (older) {
      this.open_.delete(key);
      older.controller.abort();
      this.ui.close?.(older.id);
    }
    if (!decision.run) {
      this.settle(message, { outcome: decision.outcome, error: decision.reason }, null);
      return;
    }
    this.seen.add(message.id, Date.now());
    const controller = new AbortController();
    const slot = { id: message.id, controller };
    if (key !== null) {
      this.open_.set(key, slot);
      // Only recent interactions can still be on screen (the page keeps 20 pops).
      if (this.open_.size > OPEN_INTERACTIONS) this.open_.delete(this.open_.keys().next().value);
    }
    const { workflow } = decision;
    const trigger = { id: message.id, channel: message.channel, agentId: message.agentId, event: message.event,
      crmId: message.crmId ?? '', ctiId: message.ctiId ?? '', receivedAt: message.receivedAt };
    const ui = this.ui.forTrigger ? this.ui.forTrigger(message, workflow) : this.ui;
    const run = await runWorkflow(workflow.definition, {
      interaction: message.data ?? {},
      trigger,
      agent: { id: this.agentId, profile: this.catalog.profile ?? '', instance: this.catalog.crmId },
    }, { ui, open: this.open, urls: this.catalog.urlTemplates, fetch: this.fetch, signal: controller.signal });
    // A finished run's cards stay on screen until a newer trigger of its interaction comes.
    if (key !== null && this.open_.get(key) === slot && run.outcome !== 'executed') this.open_.delete(key);
    this.journal.remove(message.id);
    this.report(message, run, workflow);
  }

  // POST /api/triggers/{id}/runs, retried a few times while the network is away.
  async report(message, run, workflow) {
    const body = { ...run, client: { app: 'popflow-agent', version: CLIENT_VERSION } };
    if (workflow) {
      body.workflow = workflow.name;
      body.version = workflow.version;
    }
    this.emit('run', { message, run: body });
    for (let attempt = 1; attempt <= REPORT_ATTEMPTS; attempt += 1) {
      try {
        const response = await this.api(`/api/triggers/${encodeURIComponent(message.id)}/runs`, { method: 'POST', body: JSON.stringify(body) });
        if (response.ok || (response.status >= 400 && response.status < 500)) return;
      } catch {
        // the network is away: try again
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}
