// The rules that decide whether a trigger runs, before any step does (docs/agent.md, "The
// rules"): a trigger already run is dropped (`duplicate`; ids are remembered across reloads),
// one older than its event's age limit is dropped (`stale`), one whose event has nothing
// published for this agent is reported (`no_publication` / `profile_mismatch`) and shows the
// agent nothing. No DOM and no network: the tests run them in Node.

// The rules of an instance that sets none: a ringing call or chat older than 30 s is over,
// and triggers of one call share its `callId`.
export const DEFAULT_RULES = Object.freeze({ staleAfter: Object.freeze({ 'On Ring': 30, 'Chat Ring': 30 }), supersedeBy: 'callId' });

// Ids of triggers this browser has taken, in a Storage (localStorage), oldest first; at most
// `max`, each kept `keepMs`. Written before a trigger runs, so a reload mid-run never runs it
// again.
export class SeenTriggers {
  constructor(storage, key, { max = 1000, keepMs = 24 * 3600 * 1000 } = {}) {
    this.storage = storage;
    this.key = key;
    this.max = max;
    this.keepMs = keepMs;
    this.entries = new Map();  // id → time taken (ms)
    try {
      for (const [id, at] of JSON.parse(storage.getItem(key) ?? '[]')) this.entries.set(id, at);
    } catch {
      // an unreadable list is an empty one
    }
  }

  has(id) {
    return this.entries.has(id);
  }

  add(id, now) {
    this.entries.delete(id);
    this.entries.set(id, now);
    for (const [oldest, at] of this.entries) {
      if (this.entries.size <= this.max && now - at <= this.keepMs) break;
      this.entries.delete(oldest);
    }
    this.save();
  }

  save() {
    try {
      this.storage.setItem(this.key, JSON.stringify([...this.entries]));
    } catch {
      // storage full or refused: the list still works for this page
    }
  }
}

// The trigger's age in ms by the server's clock (`serverOffsetMs`: server time − local time).
export function ageOf(message, localNow, serverOffsetMs = 0) {
  const received = Date.parse(message.receivedAt);
  if (Number.isNaN(received)) return 0;
  return Math.max(0, localNow + serverOffsetMs - received);
}

// The value that ties triggers of one interaction together (`supersedeBy`, e.g. callId), or null.
export function interactionKey(message, supersedeBy) {
  if (!supersedeBy) return null;
  const value = message.data?.[supersedeBy];
  return value === undefined || value === null || value === '' ? null : String(value);
}

// What to do with `message` for a client whose catalog (GET /api/client/workflows) is given:
// {run: true, workflow} or {run: false, outcome, reason}. `manual`: the agent asked for it (a
// missed pop's "Run it now"), so neither its id nor its age stops it.
export function decide(message, catalog, { seen, localNow, serverOffsetMs = 0, manual = false }) {
  if (!manual && seen.has(message.id)) return { run: false, outcome: 'duplicate', reason: 'this browser already took this trigger' };
  const limit = catalog.rules?.staleAfter?.[message.event];
  if (limit !== undefined && !manual) {
    const age = ageOf(message, localNow, serverOffsetMs);
    if (age > limit * 1000)
      return { run: false, outcome: 'stale', reason: `${Math.round(age / 1000)} s old; '${message.event}' pops for ${limit} s` };
  }
  if (message.channel === 'CRM' && message.crmId !== catalog.crmId)
    return { run: false, outcome: 'no_publication', reason: `for instance ${message.crmId}; this client runs ${catalog.crmId}` };
  const workflow = catalog.workflows.find((w) => w.event === message.event);
  if (workflow) return { run: true, workflow };
  if ((catalog.otherProfiles ?? []).includes(message.event))
    return { run: false, outcome: 'profile_mismatch', reason: `'${message.event}' is published only to other profiles than ${catalog.profile ?? 'this agent'}'s` };
  return { run: false, outcome: 'no_publication', reason: `nothing is published to '${message.event}' for this agent` };
}

// Of triggers that arrived together (a backlog after a reconnect), those a newer one of the
// same interaction makes moot: [superseded, kept], each in arrival order.
export function supersededIn(messages, supersedeBy) {
  const newest = new Map();
  for (const message of messages) {
    const key = interactionKey(message, supersedeBy);
    if (key !== null) newest.set(key, message);
  }
  const superseded = [];
  const kept = [];
  for (const message of messages) {
    const key = interactionKey(message, supersedeBy);
    (key !== null && newest.get(key) !== message ? superseded : kept).push(message);
  }
  return [superseded, kept];
}
