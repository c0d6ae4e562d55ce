// Trying a draft without a call: each template rendered against sample interaction data, and a
// dry run through the agent's own runtime (web/agent/runtime/runner.js, the code that runs it
// on an agent's screen) with nothing shown, opened or sent: forms are answered with their
// first button, choices with the first row, and an http step answers 200 with an empty body.
import { render } from '../agent/runtime/template.js';
import { runWorkflow } from '../agent/runtime/runner.js';

// Members that name things rather than hold text to render.
const NOT_TEMPLATES = new Set(['type', 'next', 'method', 'op', 'target', 'level', 'kind', 'name', 'save_as', 'as', 'outcome', 'id', 'cases', 'options']);

// [{where: "steps.pop.fields[0].value", text, rendered, missing: [paths]}] for every string
// with a placeholder.
export function previewTemplates(definition, context) {
  const found = [];
  const visit = (value, where) => {
    if (typeof value === 'string') {
      if (!value.includes('{')) return;
      const missing = [];
      found.push({ where, text: value, rendered: render(value, context, missing).text, missing });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${where}[${index}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value))
        if (!NOT_TEMPLATES.has(key)) visit(item, `${where}.${key}`);
    }
  };
  for (const [id, step] of Object.entries(definition?.steps ?? {})) visit(step, `steps.${id}`);
  return found;
}

// The context a trigger of `event` with `data` would give the runtime (docs/workflows.md).
export function sampleContext(data, { event, crmId, agentId = '1001' }) {
  return {
    interaction: data,
    trigger: { id: 'dry-run', channel: crmId ? 'CRM' : 'CTI', agentId, event, crmId: crmId ?? '', ctiId: '', receivedAt: new Date().toISOString() },
    agent: { id: agentId, instance: crmId ?? '' },
  };
}

// {report: what runWorkflow reports, actions: ["Shows the card …", …]}
export async function dryRun(definition, context, urls) {
  const actions = [];
  const first = (buttons) => buttons?.[0]?.id ?? 'cancel';
  const env = {
    ui: {
      show: (card) => actions.push(`Shows the card "${card.title}"${card.fields.length ? `: ${card.fields.map((f) => `${f.label} ${f.value}`).join('; ')}` : ''}`),
      form: async (spec) => {
        actions.push(`Asks "${spec.title}" (answered with its first button, "${spec.buttons?.[0]?.label ?? 'none'}")`);
        return { button: first(spec.buttons), values: Object.fromEntries(spec.fields.map((f) => [f.name, f.default ?? ''])) };
      },
      choose: async (spec) => {
        actions.push(`Offers ${spec.rows.length} row(s) under "${spec.title}" (the first one chosen)`);
        return spec.rows.length ? { button: first(spec.buttons), row: 0 } : { button: 'cancel' };
      },
      notify: (note) => actions.push(`Notifies "${note.title}"${note.message ? `: ${note.message}` : ''}`),
    },
    open: (url, target) => actions.push(`Opens ${url} in ${target === 'self' ? 'the same tab' : 'a new tab'}`),
    urls,
    fetch: async (url, request) => {
      actions.push(`Would send ${request.method ?? 'GET'} ${url} (not sent: answered 200 with an empty body)`);
      return { status: 200, text: async () => '' };
    },
  };
  const report = await runWorkflow(definition, context, env);
  return { report, actions };
}
