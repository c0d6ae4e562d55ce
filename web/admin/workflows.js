// The Workflows screen (an instance's workflows, and a new one from a starter or a file) and
// the designer (#workflows/ID): the draft's JSON checked as you type by the server's own
// validator (POST /api/admin/workflows/validate, the messages an import or a save would give),
// drawn as a graph, tried against sample data, saved, frozen as versions, compared and restored.
import { $, element, announce, show, fillTable, when } from './dom.js';
import { session, may, api } from './session.js';
import { drawGraph, outline } from './graph.js';
import { previewTemplates, sampleContext, dryRun } from './tryout.js';
import { diffLines } from './vendor/diff/diff/line.js';

const CHECK_DELAY_MS = 300;

const STARTERS = {
  card: {
    schema: 1, start: 'pop',
    steps: { pop: { type: 'show', title: 'Call from {interaction.ani}', fields: [{ label: 'Number called', value: '{interaction.dnis}' }] } },
  },
  record: {
    schema: 1, start: 'known',
    steps: {
      known: { type: 'if', all: [{ left: '{interaction.contactId}', op: 'not_empty' }], next: { then: 'record', else: 'search' } },
      record: { type: 'open_record', record_type: 'contact', record_id: '{interaction.contactId}' },
      search: { type: 'open_search', term: '{interaction.ani|digits}' },
    },
  },
};

const path = (id) => `/api/admin/workflows/${encodeURIComponent(id)}`;
const pretty = (definition) => JSON.stringify(definition, null, 2);
const profileList = (publications) => publications.map((p) => (p.profile === 'all' ? 'all profiles' : p.profile)).join(', ');

// ---- The list -------------------------------------------------------------------------------

let instances = [];

export async function loadWorkflows() {
  show('workflows-error', '');
  $('workflow-form').hidden = true;
  try {
    ({ instances } = await api('/api/admin/instances'));
    const select = $('workflows-instance');
    const chosen = sessionStorage.getItem('popflow.console.instance') ?? select.value;
    select.replaceChildren(...instances.map((i) => element('option', { value: i.crmId, text: `${i.name} (${i.crmId})` })));
    if (instances.some((i) => i.crmId === chosen)) select.value = chosen;
    if (!instances.length) {
      fillTable('workflows', [], () => null);
      show('workflows-error', 'This customer has no instance yet: add one on the Instances screen first.');
      return;
    }
    await listWorkflows(select.value);
  } catch (error) {
    show('workflows-error', error.message);
  }
}

async function listWorkflows(crmId) {
  sessionStorage.setItem('popflow.console.instance', crmId);
  const base = `/api/admin/instances/${encodeURIComponent(crmId)}`;
  const [{ workflows }, { events }] = await Promise.all([api(`${base}/workflows`), api(`${base}/events`)]);
  const details = await Promise.all(workflows.map((w) => api(path(w.id))));
  fillTable('workflows', details, (w) => element('tr', { 'data-workflow': w.id },
    element('th', { scope: 'row' }, element('a', { href: `#workflows/${encodeURIComponent(w.id)}`, text: w.name })),
    element('td', { text: w.event }),
    element('td', { text: w.versions.length ? `v${w.versions.at(-1).version}` : 'none' }),
    element('td', { text: w.publications.length ? w.publications.map((p) => `${p.profile === 'all' ? 'all profiles' : p.profile} (v${p.version})`).join(', ') : 'nowhere' }),
    element('td', { text: when(w.updatedAt) })));
  $('workflow-event').replaceChildren(...events.map((e) => element('option', { value: e.name, text: e.name })));
  $('workflow-form').hidden = !may.design();
}

$('workflows-instance').addEventListener('change', (event) => listWorkflows(event.target.value).catch((error) => show('workflows-error', error.message)));
$('workflow-start').addEventListener('change', (event) => {
  $('workflow-file-row').hidden = event.target.value !== 'file';
  $('workflow-file').required = event.target.value === 'file';
});

// A file is what Export wrote ({name, event, description, definition}) or a bare definition.
async function fromFile(file) {
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    throw new Error(`${file.name} is not JSON: ${error.message}`);
  }
  if (parsed && typeof parsed === 'object' && 'steps' in parsed) return { definition: parsed };
  if (parsed && typeof parsed === 'object' && parsed.definition) return parsed;
  throw new Error(`${file.name} holds neither a workflow nor a definition (no "steps" or "definition" member)`);
}

$('workflow-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const crmId = $('workflows-instance').value;
  show('workflows-error', '');
  try {
    const start = String(form.get('start'));
    const file = start === 'file' ? await fromFile(form.get('file')) : { definition: STARTERS[start] };
    const name = String(form.get('name')).trim();
    const description = String(form.get('description')).trim() || file.description || '';
    const made = await api(`/api/admin/instances/${encodeURIComponent(crmId)}/workflows`, {
      method: 'POST', body: { name, event: String(form.get('event')), description, definition: file.definition } });
    event.target.reset();
    $('workflow-file-row').hidden = true;
    announce(`Created ${name}`);
    location.hash = `workflows/${encodeURIComponent(made.id)}`;
  } catch (error) {
    show('workflows-error', error.field ? `${error.message} (field ${error.field})` : error.message);
    $('workflow-name').focus();
  }
});

// ---- The designer ---------------------------------------------------------------------------

let open = null;        // the workflow as GET returned it: {id, name, …, draft, versions, publications}
let checked = null;     // the last definition the validator accepted (canonical), or null
let saved = '';         // the draft's text as last loaded or saved, to know what is unsaved
let checkTimer = null;
let checkSeq = 0;

const dirty = () => open && ($('draft-definition').value !== saved || $('draft-name').value.trim() !== open.name ||
  $('draft-event').value !== open.event || $('draft-description').value.trim() !== open.description);

export async function openDesigner(id) {
  show('designer-error', '');
  show('draft-result', '');
  $('diff').hidden = true;
  $('dry-result').hidden = true;
  try {
    const workflow = await api(path(id));
    const { events } = await api(`/api/admin/instances/${encodeURIComponent(workflow.crmId)}/events`);
    $('draft-event').replaceChildren(...events.map((e) => element('option', { value: e.name, text: e.name })));
    showWorkflow(workflow);
    $('designer').focus();
  } catch (error) {
    open = null;
    show('designer-error', error.status === 404 ? `No workflow ${id} in this customer.` : error.message);
  }
}

function showWorkflow(workflow) {
  open = workflow;
  $('designer-title').textContent = `${workflow.name} · ${workflow.crmId}`;
  $('draft-name').value = workflow.name;
  $('draft-event').value = workflow.event;
  $('draft-description').value = workflow.description;
  saved = pretty(workflow.draft);
  $('draft-definition').value = saved;
  const readOnly = !may.design();
  for (const id of ['draft-name', 'draft-event', 'draft-description', 'draft-definition']) $(id).disabled = readOnly;
  for (const id of ['draft-save', 'draft-freeze', 'draft-duplicate', 'draft-delete']) $(id).hidden = readOnly;
  showVersions();
  check();
}

// Validation as you type: JSON first (here, with the parser's position), then the server's
// validator, whose answer names the step and field. Only the latest answer is shown.
function check() {
  clearTimeout(checkTimer);
  const text = $('draft-definition').value;
  let definition;
  try {
    definition = JSON.parse(text);
  } catch (error) {
    return verdict(false, `Not JSON: ${error.message}`);
  }
  const seq = ++checkSeq;
  checkTimer = setTimeout(async () => {
    try {
      const answer = await api('/api/admin/workflows/validate', { method: 'POST', body: { definition } });
      if (seq !== checkSeq) return;
      if (answer.valid) {
        checked = answer.definition;
        verdict(true, `Valid: ${Object.keys(checked.steps).length} step(s), starting at "${checked.start}".`);
      } else {
        verdict(false, `${answer.message}${answer.field ? ` (field ${answer.field})` : ''}`);
      }
    } catch (error) {
      if (seq === checkSeq) verdict(false, `Could not check: ${error.message}`);
    }
  }, CHECK_DELAY_MS);
}

// The draft in the validator's canonical form now (not after the typing pause), or null.
async function validDraft() {
  try {
    const answer = await api('/api/admin/workflows/validate', { method: 'POST', body: { definition: JSON.parse($('draft-definition').value) } });
    return answer.valid ? answer.definition : null;
  } catch {
    return null;
  }
}

function verdict(valid, text) {
  const field = $('draft-definition');
  field.setAttribute('aria-invalid', String(!valid));
  $('draft-check').className = valid ? 'check valid' : 'check invalid';
  $('draft-check').textContent = text;
  if (!valid) checked = null;
  $('draft-save').disabled = !valid;
  $('draft-freeze').disabled = !valid;
  $('dry-run').disabled = !valid;
  if (valid) {
    $('graph').replaceChildren(drawGraph(checked, `The steps of ${open?.name ?? 'the draft'} as a graph`));
    $('graph-outline').replaceChildren(...outline(checked).map((line) => element('li', { text: line })));
    preview();
  }
}
$('draft-definition').addEventListener('input', check);

function sample() {
  try {
    const data = JSON.parse($('sample-data').value || '{}');
    show('sample-error', '');
    return sampleContext(data, { event: $('draft-event').value, crmId: open?.crmId });
  } catch (error) {
    show('sample-error', `The sample data is not JSON: ${error.message}`);
    return null;
  }
}

function preview() {
  const context = sample();
  if (!checked || !context) return;
  const rows = previewTemplates(checked, context);
  fillTable('preview', rows, (row) => element('tr', {},
    element('td', { text: row.where }), element('td', {}, element('code', { text: row.text })),
    element('td', { text: row.rendered + (row.missing.length ? ` (missing: ${row.missing.join(', ')})` : '') })));
}
$('sample-data').addEventListener('input', preview);

$('dry-run').addEventListener('click', async () => {
  const context = sample();
  const definition = await validDraft();
  if (!definition || !context) return;
  const instance = instances.find((i) => i.crmId === open.crmId) ?? await api(`/api/admin/instances/${encodeURIComponent(open.crmId)}`);
  const { report, actions } = await dryRun(definition, context, instance.urlTemplates);
  $('dry-outcome').textContent = `Outcome: ${report.outcome}${report.error ? ` — ${report.error}` : ''}`;
  $('dry-actions').replaceChildren(...(actions.length ? actions : ['Nothing on the screen.']).map((text) => element('li', { text })));
  $('dry-steps').replaceChildren(...report.steps.map((step) => element('li', {
    text: `${step.step} (${step.type})${step.branch ? ` → ${step.branch}` : ''}${step.error ? `: ${step.error}` : ''}${step.missing ? ` · missing ${step.missing.join(', ')}` : ''}` })));
  $('dry-result').hidden = false;
  $('dry-result').focus();
  announce(`Dry run: ${report.outcome}`);
});

async function saveDraft() {
  const answer = await api(path(open.id), {
    method: 'PUT',
    body: { name: $('draft-name').value.trim(), event: $('draft-event').value, description: $('draft-description').value.trim(),
      definition: JSON.parse($('draft-definition').value), revision: open.revision } });
  showWorkflow(answer);
  return answer;
}

// A refusal in words; an edit made elsewhere since this page loaded is said as such.
function refused(what, error) {
  const detail = error.code === 'edit_conflict' ? `${error.message}. Your text is still here: copy it, reload, and apply it again.`
    : `${error.message}${error.field ? ` (field ${error.field})` : ''}`;
  show('draft-result', `${what}: ${detail}`);
}

$('draft-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await saveDraft();
    show('draft-result', 'Draft saved. Agents run a version only once it is frozen and published.');
  } catch (error) {
    refused('Not saved', error);
  }
});

$('draft-freeze').addEventListener('click', async () => {
  try {
    if (dirty()) await saveDraft();
    const { version, created } = await api(`${path(open.id)}/versions`, { method: 'POST', body: { revision: open.revision } });
    await openDesigner(open.id);
    show('draft-result', created ? `Frozen as v${version}: publish it on the Publishing screen.` : `The draft is v${version} already: nothing new to freeze.`);
  } catch (error) {
    refused('Not frozen', error);
  }
});

$('draft-duplicate').addEventListener('click', async () => {
  const names = new Set((await api(`/api/admin/instances/${encodeURIComponent(open.crmId)}/workflows`)).workflows.map((w) => w.name));
  let name = `${open.name} (copy)`;
  for (let n = 2; names.has(name); n += 1) name = `${open.name} (copy ${n})`;
  try {
    const made = await api(`/api/admin/instances/${encodeURIComponent(open.crmId)}/workflows`, {
      method: 'POST', body: { name, event: open.event, description: open.description, definition: JSON.parse($('draft-definition').value) } });
    announce(`Duplicated as ${name}`);
    location.hash = `workflows/${encodeURIComponent(made.id)}`;
  } catch (error) {
    refused('Not duplicated', error);
  }
});

$('draft-export').addEventListener('click', () => {
  let definition;
  try {
    definition = JSON.parse($('draft-definition').value);
  } catch {
    definition = open.draft;
  }
  const file = new Blob([`${pretty({ name: open.name, event: open.event, description: open.description, definition })}\n`], { type: 'application/json' });
  const link = element('a', { href: URL.createObjectURL(file), download: `${open.name.replace(/[^\w.-]+/g, '-')}.json` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
  show('draft-result', `Exported the draft as ${link.download}.`);
});

$('draft-delete').addEventListener('click', async () => {
  const where = open.publications.length ? ` It is published to ${profileList(open.publications)}: those agents will run nothing for ${open.event}.` : '';
  if (!confirm(`Delete "${open.name}" with its ${open.versions.length} version(s)?${where}`)) return;
  try {
    await api(path(open.id), { method: 'DELETE' });
    announce(`Deleted ${open.name}`);
    open = null;
    location.hash = 'workflows';
  } catch (error) {
    refused('Not deleted', error);
  }
});

// ---- Versions -------------------------------------------------------------------------------

function showVersions() {
  const versions = [...open.versions].reverse();
  fillTable('versions', versions, (v) => {
    const on = open.publications.filter((p) => p.version === v.version);
    const compare = element('button', { type: 'button', class: 'quiet', text: 'Compare with the draft', 'aria-label': `Compare v${v.version} with the draft` });
    compare.addEventListener('click', () => showDiff(v));
    const actions = element('td', {}, compare);
    if (may.design()) {
      const restore = element('button', { type: 'button', class: 'quiet', text: 'Restore as draft', 'aria-label': `Restore v${v.version} as the draft` });
      restore.addEventListener('click', () => restoreVersion(v));
      actions.append(' ', restore);
    }
    return element('tr', { 'data-version': String(v.version) },
      element('th', { scope: 'row', text: `v${v.version}` }), element('td', { text: when(v.createdAt) }),
      element('td', { text: v.createdBy.replace(/^user:/, '') }), element('td', { text: on.length ? profileList(on) : '—' }), actions);
  });
}

async function showDiff(version) {
  // Both sides in the server's canonical form while the draft validates, so only real changes show.
  const canonical = await validDraft();
  const draft = canonical ? pretty(canonical) : $('draft-definition').value;
  const parts = diffLines(`${pretty(version.definition)}\n`, `${draft.trimEnd()}\n`);
  const changed = parts.some((part) => part.added || part.removed);
  $('diff-title').textContent = changed ? `From v${version.version} to the draft` : `v${version.version} and the draft are the same`;
  // One block per line: added lines are <ins>, removed ones <del> (said as such by screen readers).
  $('diff-text').replaceChildren(...parts.flatMap((part) => part.value.replace(/\n$/, '').split('\n').map((line) => {
    if (part.added) return element('ins', { text: `+ ${line}` });
    if (part.removed) return element('del', { text: `- ${line}` });
    return element('span', { text: `  ${line}` });
  })));
  $('diff').hidden = false;
  $('diff').focus();
}

async function restoreVersion(version) {
  if (dirty() && !confirm(`Replace your unsaved changes with v${version.version}?`)) return;
  $('draft-definition').value = pretty(version.definition);
  try {
    await saveDraft();
    show('draft-result', `The draft is v${version.version} again (saved). Freeze it to publish it as a new version.`);
  } catch (error) {
    refused('Not restored', error);
  }
}

// Leaving the designer with unsaved changes asks first.
window.addEventListener('beforeunload', (event) => {
  if (!$('designer').hidden && dirty()) event.preventDefault();
});
export const unsavedDraft = () => !$('designer').hidden && session.caller && dirty();
