// The console (/admin/): console users sign in with a name and password (POST
// /api/admin/session: an HttpOnly SameSite=Strict cookie, and a CSRF token every write sends
// as X-CSRF-Token); the API decides what each role may do, and the page offers only that.
// No framework: a few DOM helpers over the admin API. docs/admin.md describes every screen.

const $ = (id) => document.getElementById(id);
const MANAGES_KEYS = new Set(['owner', 'admin']);

let caller = null;  // {user, role, customer, operator, csrfToken, idleTimeoutSeconds}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function announce(text) {
  $('announcer').textContent = text;
}

function show(id, text) {
  $(id).hidden = !text;
  $(id).textContent = text ?? '';
}

// A call to the admin API: JSON in and out, the CSRF token on writes, and a session that ended
// (idle, signed out elsewhere, user removed) sends the page back to the sign-in.
async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && caller?.csrfToken) headers['X-CSRF-Token'] = caller.csrfToken;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (response.status === 401 && caller) {
    signedOut('Your session has ended. Sign in again.');
    throw new Error(answer.message ?? 'signed out');
  }
  if (!response.ok) throw Object.assign(new Error(answer.message ?? `HTTP ${response.status}`), { status: response.status, code: answer.code });
  return answer;
}

function signedOut(note) {
  caller = null;
  $('desk').hidden = true;
  $('signout').hidden = true;
  $('who').hidden = true;
  $('signin').hidden = false;
  show('signin-note', note);
  show('signin-error', '');
  $('signin-password').value = '';
  $('signin-user').focus();
}

function signedIn(who) {
  caller = who;
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('signout').hidden = false;
  $('who').hidden = false;
  $('who').textContent = `${who.user} · ${who.role}${who.operator ? ' (operator)' : ` · ${who.customer}`}`;
  $('key-form').hidden = !(who.operator || MANAGES_KEYS.has(who.role));
  $('main').focus();
  loadKeys();
}

function curlLine(key) {
  const body = JSON.stringify({ agentId: '1001', jwt: key, event: 'On Ring', ani: '5551234567', dnis: '8005550100' });
  return `curl -s ${location.origin}/api/sendmessage/CTI -H 'Content-Type: application/json' -d '${body}'`;
}

function keyState(key) {
  if (key.revokedAt) return `Revoked ${new Date(key.revokedAt).toLocaleString()}`;
  if (key.expiresAt && Date.parse(key.expiresAt) < Date.now()) return 'Expired';
  return 'Active';
}

function keyRow(key) {
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
  const actions = element('td');
  if (!key.revokedAt && (caller.operator || MANAGES_KEYS.has(caller.role))) {
    const revoke = element('button', { type: 'button', class: 'quiet danger', text: 'Revoke', 'aria-label': `Revoke ${key.label || key.id}` });
    revoke.addEventListener('click', () => revokeKey(key, revoke));
    actions.append(revoke);
  }
  return element('tr', { 'data-key': key.id },
    element('th', { scope: 'row', text: key.label || key.id }),
    element('td', { text: key.scope.map((s) => s.toUpperCase()).join(', ') || '—' }),
    element('td', { text: key.crmIds.join(', ') || 'any' }),
    element('td', { text: when(key.createdAt) }),
    element('td', { text: when(key.expiresAt) }),
    element('td', { text: keyState(key) }),
    actions);
}

async function loadKeys() {
  show('keys-error', '');
  try {
    const { keys } = await api('/api/admin/keys');
    const apiKeys = keys.filter((key) => key.kind === 'api_key');
    $('keys-body').replaceChildren(...apiKeys.map(keyRow));
    $('keys-table').hidden = apiKeys.length === 0;
    $('keys-empty').hidden = apiKeys.length > 0;
  } catch (error) {
    $('keys-table').hidden = true;
    show('keys-error', error.message);
  }
}

async function revokeKey(key, button) {
  if (!confirm(`Revoke "${key.label || key.id}"? Triggers sent with it are refused from now on.`)) return;
  button.disabled = true;
  try {
    await api(`/api/admin/keys/${encodeURIComponent(key.id)}/revoke`, { method: 'POST', body: {} });
    announce(`Key ${key.label || key.id} revoked`);
    await loadKeys();
  } catch (error) {
    button.disabled = false;
    show('keys-error', error.message);
  }
}

$('key-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('keys-error', '');
  try {
    const made = await api('/api/admin/keys', { method: 'POST', body: { label: String(form.get('label')).trim(), scope: form.getAll('scope') } });
    $('new-key-value').value = made.key;
    $('new-key-curl').value = curlLine(made.key);
    show('copied', '');
    $('new-key').hidden = false;
    $('new-key').focus();
    event.target.reset();
    announce('Key generated: copy it now, it is not shown again');
    await loadKeys();
  } catch (error) {
    show('keys-error', error.message);
  }
});

for (const [button, field, what] of [['copy-key', 'new-key-value', 'Key'], ['copy-curl', 'new-key-curl', 'Curl line']]) {
  $(button).addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($(field).value);
      show('copied', `${what} copied.`);
    } catch {
      $(field).select();
      show('copied', `${what} selected: press Ctrl+C to copy it.`);
    }
  });
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('signin-error', '');
  show('signin-note', '');
  const button = event.target.querySelector('button');
  button.disabled = true;
  try {
    signedIn(await api('/api/admin/session', { method: 'POST', body: { user: String(form.get('user')).trim(), password: String(form.get('password')) } }));
  } catch (error) {
    show('signin-error', error.message);
    $('signin-password').select();
  } finally {
    button.disabled = false;
  }
});

$('signout').addEventListener('click', async () => {
  try {
    await api('/api/admin/session', { method: 'DELETE' });
  } finally {
    signedOut('You have signed out.');
  }
});

// A reload keeps the session: the cookie is still there, and the server says who it is.
api('/api/admin/session').then(signedIn, () => signedOut());
