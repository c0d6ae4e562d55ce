// The API keys screen: the keys telephony platforms and CRM pages send triggers with (made,
// shown once with a curl line, rotated with a grace period, revoked, each one's history) and
// agents' links (client tokens that open PopFlow signed in as one agent). Owners and admins
// only; the server refuses the rest anyway.
import { $, element, announce, show, fillTable, when } from './dom.js';
import { may, api } from './session.js';

function curlLine(key) {
  const body = JSON.stringify({ agentId: '1001', jwt: key, event: 'On Ring', ani: '5551234567', dnis: '8005550100' });
  return `curl -s ${location.origin}/api/sendmessage/CTI -H 'Content-Type: application/json' -d '${body}'`;
}

function keyState(key) {
  const now = Date.now();
  if (key.revokedAt && Date.parse(key.revokedAt) > now) return `Rotated: works until ${when(key.revokedAt)}`;
  if (key.revokedAt) return `Revoked ${when(key.revokedAt)}`;
  if (key.expiresAt && Date.parse(key.expiresAt) < now) return 'Expired';
  return 'Active';
}

const keyName = (key) => (key.kind === 'client_token' ? `the link of agent ${key.agentId}` : key.label || key.id);

function keyButton(text, label, action) {
  const button = element('button', { type: 'button', class: 'quiet', text, 'aria-label': label });
  button.addEventListener('click', () => action(button));
  return button;
}

// Revoke, rotate (API keys) and history, for the roles that manage keys.
function keyActions(key) {
  const cell = element('td', { class: 'row-actions' });
  if (!may.manageKeys()) return cell;
  const name = keyName(key);
  if (!key.revokedAt) {
    const revoke = keyButton('Revoke', `Revoke ${name}`, (button) => revokeKey(key, name, button));
    revoke.classList.add('danger');
    cell.append(revoke);
    if (key.kind === 'api_key') cell.append(keyButton('Rotate', `Rotate ${name}`, () => startRotation(key)));
  }
  cell.append(keyButton('History', `History of ${name}`, () => keyHistory(key)));
  return cell;
}

function keyRow(key) {
  return element('tr', { 'data-key': key.id },
    element('th', { scope: 'row', text: key.label || key.id }),
    element('td', { text: key.scope.map((s) => s.toUpperCase()).join(', ') || '—' }),
    element('td', { text: key.crmIds.join(', ') || 'any' }),
    element('td', { text: when(key.createdAt) }),
    element('td', { text: when(key.expiresAt) }),
    element('td', { text: key.lastUsedAt ? when(key.lastUsedAt) : 'never' }),
    element('td', { text: keyState(key) }),
    keyActions(key));
}

function linkRow(token) {
  return element('tr', { 'data-key': token.id },
    element('th', { scope: 'row', text: token.agentId }),
    element('td', { text: token.label || '—' }),
    element('td', { text: when(token.createdAt) }),
    element('td', { text: when(token.expiresAt) }),
    element('td', { text: token.lastUsedAt ? when(token.lastUsedAt) : 'never' }),
    element('td', { text: keyState(token) }),
    keyActions(token));
}

export async function loadKeys() {
  show('keys-error', '');
  try {
    const [{ keys }, { instances }] = await Promise.all([api('/api/admin/keys'), api('/api/admin/instances')]);
    // An agent link names the instance the agent works in, unless the agent directory places it.
    const chosen = $('link-crm').value;
    $('link-crm').replaceChildren(...instances.map((i) => element('option', { value: i.crmId, text: `${i.name} (${i.crmId})` })),
      element('option', { value: '', text: 'Where the agent directory places the agent' }));
    if (chosen && instances.some((i) => i.crmId === chosen)) $('link-crm').value = chosen;
    fillTable('keys', keys.filter((key) => key.kind === 'api_key'), keyRow);
    fillTable('links', keys.filter((key) => key.kind === 'client_token'), linkRow);
  } catch (error) {
    $('keys-table').hidden = true;
    show('keys-error', error.message);
  }
}

async function revokeKey(key, name, button) {
  const effect = key.kind === 'client_token' ? 'That agent is signed out and its link no longer works.' : 'Triggers sent with it are refused from now on.';
  if (!confirm(`Revoke ${name}? ${effect}`)) return;
  button.disabled = true;
  try {
    await api(`/api/admin/keys/${encodeURIComponent(key.id)}/revoke`, { method: 'POST', body: {} });
    announce(`Revoked ${name}`);
    await loadKeys();
  } catch (error) {
    button.disabled = false;
    show('keys-error', error.message);
  }
}

// Rotation: a new key now, the old one refused after the chosen grace (POST …/rotate).
let rotating = null;

function startRotation(key) {
  rotating = key;
  $('rotate-title').textContent = `Rotate "${keyName(key)}"`;
  $('rotate-form').hidden = false;
  $('rotate-form').focus();
}

$('rotate-cancel').addEventListener('click', () => {
  rotating = null;
  $('rotate-form').hidden = true;
});

$('rotate-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const grace = String(new FormData(event.target).get('grace'));
  show('keys-error', '');
  try {
    const made = await api(`/api/admin/keys/${encodeURIComponent(rotating.id)}/rotate`, { method: 'POST', body: grace ? { grace } : {} });
    $('rotate-form').hidden = true;
    const old = made.replaces;
    const until = old.revokedAt && Date.parse(old.revokedAt) > Date.now() ? `works until ${when(old.revokedAt)}` : 'is refused from now on';
    newKey(made, `It replaces "${keyName(old)}", which ${until}. Copy it now: it is not shown again.`);
    rotating = null;
    await loadKeys();
  } catch (error) {
    show('keys-error', error.message);
  }
});

async function keyHistory(key) {
  show('keys-error', '');
  try {
    const { audit } = await api(`/api/admin/keys/${encodeURIComponent(key.id)}/audit`);
    const words = { 'key.create': 'Made', 'key.revoke': 'Revoked', 'key.rotate': 'Rotated (a new key replaces it)' };
    $('key-history-title').textContent = `History of "${keyName(key)}"`;
    $('key-history-body').replaceChildren(...audit.map((entry) => element('tr', {},
      element('td', { text: when(entry.at) }), element('td', { text: entry.actor.replace(/^user:/, '') }),
      element('td', { text: words[entry.action] ?? entry.action }))));
    $('key-history').hidden = false;
    $('key-history').focus();
  } catch (error) {
    show('keys-error', error.message);
  }
}

// The new-key box: the key once, with its curl line.
function newKey(made, note) {
  $('new-key-note').textContent = note;
  $('new-key-value').value = made.key;
  $('new-key-curl').value = curlLine(made.key);
  show('copied', '');
  $('new-key').hidden = false;
  $('new-key').focus();
  announce('Key generated: copy it now, it is not shown again');
}

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('keys-error', '');
  const body = { label: String(form.get('label')).trim(), scope: form.getAll('scope'),
    crmIds: String(form.get('crmIds') ?? '').split(',').map((id) => id.trim()).filter(Boolean) };
  if (form.get('expires')) body.expires = String(form.get('expires'));
  try {
    const made = await api('/api/admin/keys', { method: 'POST', body });
    newKey(made, 'Copy it now: it is not shown again.');
    event.target.reset();
    await loadKeys();
  } catch (error) {
    show('keys-error', error.message);
  }
});

$('link-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const agentId = String(form.get('agentId')).trim();
  const crmId = String(form.get('crmId') ?? '').trim();
  show('keys-error', '');
  try {
    const made = await api('/api/admin/keys', { method: 'POST', body: { kind: 'client_token', agentId, label: `agent ${agentId} (console)` } });
    const link = `${location.origin}/agent/#token=${encodeURIComponent(made.key)}${crmId ? `&crmId=${encodeURIComponent(crmId)}` : ''}`;
    $('new-link-value').value = link;
    $('open-link').href = link;
    show('link-copied', '');
    $('new-link').hidden = false;
    $('new-link').focus();
    event.target.reset();
    announce(`Link made for agent ${agentId}: copy it now, it is not shown again`);
    await loadKeys();
  } catch (error) {
    show('keys-error', error.message);
  }
});

for (const [button, field, what, status] of [['copy-key', 'new-key-value', 'Key', 'copied'], ['copy-curl', 'new-key-curl', 'Curl line', 'copied'],
  ['copy-link', 'new-link-value', 'Link', 'link-copied']]) {
  $(button).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($(field).value);
      show(status, `${what} copied.`);
    } catch {
      $(field).select();
      show(status, `${what} selected: press Ctrl+C to copy it.`);
    }
  });
}
