// Who is signed in, what their role may do, and every call to the admin API: JSON in and out,
// the CSRF token on writes, and a session that ended (idle, signed out elsewhere, user
// removed) hands over to `onEnded` (the page shows the sign-in).
const MANAGES_KEYS = new Set(['owner', 'admin']);
const DESIGNS = new Set(['owner', 'admin', 'designer']);

export const session = {
  caller: null,  // {user, role, customer, operator, csrfToken, idleTimeoutSeconds}
  customer: '',  // the customer an operator acts on (every other caller has its own)
  onEnded: () => {},
};

// An admin API path with the operator's ?customer= (the session itself needs none).
export function adminPath(path) {
  if (!session.caller?.operator || !session.customer || path.startsWith('/api/admin/session')) return path;
  return `${path}${path.includes('?') ? '&' : '?'}customer=${encodeURIComponent(session.customer)}`;
}

// What the caller's role may do (the server decides anyway; the page offers only this).
export const may = {
  manageKeys: () => Boolean(session.caller?.operator || MANAGES_KEYS.has(session.caller?.role)),
  configure: () => may.manageKeys(),  // instances, profiles, the agent directory
  design: () => Boolean(session.caller?.operator || DESIGNS.has(session.caller?.role)),
};

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.caller?.csrfToken) headers['X-CSRF-Token'] = session.caller.csrfToken;
  const response = await fetch(adminPath(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (response.status === 401 && session.caller) {
    session.onEnded('Your session has ended. Sign in again.');
    throw new Error(answer.message ?? 'signed out');
  }
  if (!response.ok) throw Object.assign(new Error(answer.message ?? `HTTP ${response.status}`), { status: response.status, code: answer.code, field: answer.field });
  return answer;
}
