// Runs one interaction workflow (docs/workflows.md, "Steps") for one trigger, with no DOM of
// its own: what the agent sees and does goes through `env.ui`, what opens goes through
// `env.open`, requests through `env.fetch`. The definition was validated by the server; a
// step that still cannot run (a URL that is not http(s), a request that fails with no `error`
// branch) ends the run `failed` with its trace, never a frozen page.
//
//   const run = await runWorkflow(definition, {interaction, trigger, agent}, env);
//   // {outcome: "executed", steps: [{step: "card", type: "show", branch: "done", ms: 1}], durationMs}
//
// env: {ui: {show(card), form(spec, signal), choose(spec, signal), notify(note)},
//       open(url, target), urls: {record, newRecord, search}, fetch, signal, now}
// `signal` aborts the run (a newer trigger of the same interaction superseded it): a pending
// form or choose is withdrawn and the run ends `superseded`.
import { render, resolveValue, isWebUrl } from './template.js';

const MAX_TRACE = 200;          // entries reported (the server keeps at most 500)
const MAX_TRACE_TEXT = 500;     // characters of one logged message
const MAX_EXECUTED = 20000;     // steps executed in one run: a guard, never reached by a valid graph

class Stop {
  constructor(outcome, reason) {
    this.outcome = outcome;
    this.reason = reason;
  }
}

export class Superseded extends Error {
  constructor() {
    super('superseded by a newer trigger of the same interaction');
    this.name = 'Superseded';
  }
}

const clip = (text) => (text.length > MAX_TRACE_TEXT ? `${text.slice(0, MAX_TRACE_TEXT)}…` : text);

function compare(left, op, right) {
  switch (op) {
    case 'equals': return left === right;
    case 'not_equals': return left !== right;
    case 'contains': return left.includes(right);
    case 'starts_with': return left.startsWith(right);
    case 'ends_with': return left.endsWith(right);
    case 'empty': return left === '';
    case 'not_empty': return left !== '';
    case 'gt':
    case 'lt': {
      const isNumber = (t) => t.trim() !== '' && Number.isFinite(Number(t));
      if (!isNumber(left) || !isNumber(right)) return false;
      return op === 'gt' ? Number(left) > Number(right) : Number(left) < Number(right);
    }
    case 'matches':
      try {
        return new RegExp(right).test(left);
      } catch {
        return false;
      }
    default:
      return false;
  }
}

// Every string inside `value` rendered as a template (an http step's JSON body).
function renderDeep(value, context, missing) {
  if (typeof value === 'string') return render(value, context, missing).text;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context, missing));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, context, missing)]));
  return value;
}

class Run {
  constructor(definition, context, env) {
    this.definition = definition;
    this.context = { interaction: {}, trigger: {}, agent: {}, ...context, vars: { ...(context.vars ?? {}) } };
    this.env = env;
    this.trace = [];
    this.executed = 0;
    this.truncated = 0;
  }

  text(template, missing) {
    return render(template ?? '', this.context, missing).text;
  }

  note(entry) {
    if (this.trace.length < MAX_TRACE) this.trace.push(entry);
    else this.truncated += 1;
  }

  checkAborted() {
    if (this.env.signal?.aborted) throw new Superseded();
  }

  // Runs from `id` until a step takes a branch that is not there.
  async chain(id) {
    while (id) {
      const step = this.definition.steps?.[id];
      if (!step) throw new Error(`step '${id}' does not exist`);
      if (++this.executed > MAX_EXECUTED) throw new Error(`more than ${MAX_EXECUTED} steps ran`);
      this.checkAborted();
      const started = this.env.now();
      const entry = { step: id, type: step.type };
      const missing = [];
      let branch;
      try {
        branch = await this.step(step, entry, missing);
      } catch (caught) {
        // Whatever a withdrawn form or request rejected with, an aborted run was superseded.
        const error = this.env.signal?.aborted && !(caught instanceof Stop) ? new Superseded() : caught;
        if (error instanceof Stop || error instanceof Superseded) {
          entry.ms = Math.round(this.env.now() - started);
          if (error instanceof Stop) {
            entry.outcome = error.outcome;
            if (error.reason) entry.reason = clip(error.reason);
          }
          if (missing.length) entry.missing = missing;
          this.note(entry);
          throw error;
        }
        entry.error = error.message ?? String(error);
        entry.ms = Math.round(this.env.now() - started);
        this.note(entry);
        const failure = new Error(`step '${id}' (${step.type}): ${entry.error}`);
        failure.reported = true;
        throw failure;
      }
      entry.ms = Math.round(this.env.now() - started);
      if (branch !== undefined) entry.branch = branch;
      if (missing.length) entry.missing = missing;
      this.note(entry);
      id = branch === undefined ? undefined : step.next?.[branch];
    }
  }

  async step(step, entry, missing) {
    const { ui } = this.env;
    switch (step.type) {
      case 'show': {
        ui.show({
          title: this.text(step.title, missing),
          fields: (step.fields ?? []).map((f) => ({ label: this.text(f.label, missing), value: this.text(f.value, missing) })),
          sound: step.sound === true,
          notify: step.notify === true,
        });
        return 'done';
      }
      case 'form': {
        const fields = (step.fields ?? []).map((f) => ({
          name: f.name,
          label: f.label === undefined ? f.name : this.text(f.label, missing),
          kind: f.kind ?? 'text',
          required: f.required === true,
          options: f.options ?? [],
          default: typeof f.default === 'string' ? this.text(f.default, missing) : f.default,
        }));
        const answer = await ui.form({ title: this.text(step.title, missing), fields, buttons: step.buttons }, this.env.signal);
        this.checkAborted();
        if (step.save_as) this.context.vars[step.save_as] = { ...answer.values, button: answer.button };
        return answer.button;
      }
      case 'choose': {
        const rows = resolveValue(step.rows, this.context, missing);
        const list = Array.isArray(rows) ? rows : [];
        if (!Array.isArray(rows)) entry.note = 'rows is not a list';
        const as = step.as ?? 'row';
        const cells = list.map((row) => {
          this.context.vars[as] = row;
          return step.columns.map((c) => this.text(c.value, missing));
        });
        delete this.context.vars[as];
        const answer = await ui.choose({
          title: this.text(step.title, missing),
          columns: step.columns.map((c) => this.text(c.label, missing)),
          rows: cells,
          buttons: step.buttons,
        }, this.env.signal);
        this.checkAborted();
        if (answer.button !== 'cancel' && step.save_as) this.context.vars[step.save_as] = list[answer.row];
        return answer.button;
      }
      case 'notify':
        ui.notify({ title: this.text(step.title, missing), message: this.text(step.message, missing), level: step.level ?? 'info' });
        return 'done';
      case 'open_url':
        this.open(this.text(step.url, missing), step.target, entry);
        return 'done';
      case 'open_record':
      case 'new_record':
      case 'open_search': {
        const which = { open_record: 'record', new_record: 'newRecord', open_search: 'search' }[step.type];
        const template = this.env.urls?.[which];
        if (!template) throw new Error(`the instance has no ${which} URL template`);
        const urlContext = {
          trigger: { ...this.context.trigger, crmId: this.context.trigger.crmId || this.context.agent.instance },
          record: { type: this.text(step.record_type, missing), id: this.text(step.record_id, missing) },
          search: { term: this.text(step.term, missing) },
        };
        this.open(render(template, urlContext, missing).text, step.target, entry);
        return 'done';
      }
      case 'http':
        return this.http(step, entry, missing);
      case 'if': {
        const conditions = step.all ?? step.any ?? [];
        const results = conditions.map((c) => compare(this.text(c.left, missing), c.op, this.text(c.right, missing)));
        const holds = step.all ? results.every(Boolean) : results.some(Boolean);
        return holds ? 'then' : 'else';
      }
      case 'switch': {
        const value = this.text(step.value, missing);
        entry.value = clip(value);
        return step.cases.includes(value) ? value : 'default';
      }
      case 'for_each': {
        const items = resolveValue(step.items, this.context, missing);
        const list = Array.isArray(items) ? items.slice(0, step.limit ?? 1000) : [];
        if (!Array.isArray(items)) entry.note = 'items is not a list';
        entry.items = list.length;
        const as = step.as ?? 'item';
        for (const item of list) {
          this.context.vars[as] = item;
          if (step.next?.body) await this.chain(step.next.body);
        }
        return 'done';
      }
      case 'set':
        for (const [name, template] of Object.entries(step.vars)) this.context.vars[name] = this.text(template, missing);
        return 'done';
      case 'log':
        entry.message = clip(this.text(step.message, missing));
        entry.level = step.level ?? 'info';
        return 'done';
      case 'stop':
        throw new Stop(step.outcome ?? 'executed', step.reason === undefined ? '' : this.text(step.reason, missing));
      default:
        throw new Error(`unknown step type '${step.type}'`);
    }
  }

  open(url, target, entry) {
    if (!isWebUrl(url)) throw new Error(`'${clip(url)}' is not an http(s) URL`);
    entry.url = clip(url);
    this.env.open(url, target === 'self' ? 'self' : 'tab');
  }

  async http(step, entry, missing) {
    const url = this.text(step.url, missing);
    if (!isWebUrl(url)) throw new Error(`'${clip(url)}' is not an http(s) URL`);
    const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k, this.text(v, missing)]));
    let body;
    if (step.body !== undefined)
      body = typeof step.body === 'string' ? this.text(step.body, missing) : JSON.stringify(renderDeep(step.body, this.context, missing));
    const timeout = step.timeout_ms ?? 10000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeout} ms`)), timeout);
    const onAbort = () => controller.abort(new Superseded());
    this.env.signal?.addEventListener('abort', onAbort);
    let result;
    try {
      const response = await this.env.fetch(url, { method: step.method, headers, body, signal: controller.signal });
      const text = await response.text();
      let parsed = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text itself
      }
      result = { status: response.status, body: parsed };
      if (response.status < 200 || response.status > 299) result.error = `HTTP ${response.status}`;
    } catch (error) {
      this.checkAborted();
      const reason = controller.signal.aborted ? controller.signal.reason?.message : `network error: ${error.message}`;
      result = { status: 0, body: null, error: reason ?? 'request failed' };
    } finally {
      clearTimeout(timer);
      this.env.signal?.removeEventListener('abort', onAbort);
    }
    entry.status = result.status;
    if (step.save_as) this.context.vars[step.save_as] = result;
    if (!result.error) return 'ok';
    entry.error = result.error;
    // Nobody handles the failure: the run fails rather than carrying on as if it had worked.
    if (!step.next?.error) throw new Error(result.error);
    return 'error';
  }
}

// The run's report, as POST /api/triggers/{id}/runs takes it (less workflow and version).
export async function runWorkflow(definition, context, env) {
  const run = new Run(definition, context, { now: () => performance.now(), ...env });
  const started = run.env.now();
  const finish = (outcome, error) => {
    const report = { outcome, steps: run.trace, durationMs: Math.round(run.env.now() - started) };
    if (run.truncated) report.steps.push({ step: '…', type: 'truncated', note: `${run.truncated} more steps` });
    if (error) report.error = clip(error);
    return report;
  };
  try {
    await run.chain(definition.start);
    return finish('executed');
  } catch (error) {
    if (error instanceof Stop) return finish(error.outcome, error.outcome === 'failed' ? error.reason || 'stopped' : undefined);
    if (error instanceof Superseded) return finish('superseded', error.message);
    return finish('failed', error.message ?? String(error));
  }
}
