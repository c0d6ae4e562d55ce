// The console (/admin/): console users sign in with a name and password (POST
// /api/admin/session: an HttpOnly SameSite=Strict cookie, and a CSRF token every write sends
// as X-CSRF-Token); the API decides what each role may do, and the page offers only that.
// No framework: a few DOM helpers over the admin API, one screen per address fragment and
// one module per screen; this one signs in and out and routes.
// docs/admin.md describes every screen.

import { $, announce, show } from './dom.js';
import { session, may, api } from './session.js';
import { loadWorkflows, openDesigner, unsavedDraft } from './workflows.js';
import { loadInstanceList } from './instances.js';
import { loadUsers } from './users.js';
import { loadKeys } from './keys.js';
import { loadCustomers, setCustomerPicker } from './customers.js';
import { loadTriggers, loadTimeline } from './triggers.js';
import { watch, unwatch } from './live.js';
import { loadPublishingScreen } from './publishing.js';

function signedOut(note) {
  session.caller = null;
  unwatch();
  $('desk').hidden = true;
  $('signout').hidden = true;
  $('who').hidden = true;
  $('customer-pick').hidden = true;
  $('signin').hidden = false;
  show('signin-note', note);
  show('signin-error', '');
  $('signin-password').value = '';
  $('signin-user').focus();
}

function signedIn(who) {
  session.caller = who;
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('signout').hidden = false;
  $('who').hidden = false;
  $('who').textContent = `${who.user} · ${who.role}${who.operator ? ' (operator)' : ` · ${who.customer}`}`;
  // An operator manages every customer and names the one it acts on (kept for this tab).
  session.customer = who.operator ? sessionStorage.getItem('popflow.console.customer') ?? '' : '';
  $('customer-pick').hidden = !who.operator;
  $('customer-id').value = session.customer;
  $('key-form').hidden = !may.manageKeys();
  $('link-form').hidden = !may.manageKeys();
  $('users-link').hidden = !may.manageKeys();
  $('customers-link').hidden = !who.operator;
  $('test-form').hidden = !may.design();
  $('main').focus();
  // An operator who has not picked a customer yet starts from the list of them.
  if (who.operator && !session.customer) location.hash = '#customers';
  route();
}

function pickCustomer(id) {
  session.customer = id;
  $('customer-id').value = id;
  sessionStorage.setItem('popflow.console.customer', session.customer);
  sessionStorage.removeItem('popflow.console.instance');
  unwatch();
  announce(`Acting on customer ${session.customer}`);
  if (location.hash === '#customers') location.hash = '#triggers';
  else route();
}
setCustomerPicker(pickCustomer);

$('customer-pick').addEventListener('submit', (event) => {
  event.preventDefault();
  pickCustomer($('customer-id').value.trim());
});

// Screens by the address's fragment: #triggers, #triggers/ID (one trigger's timeline), #live,
// #instances, #instances/CRMID, #workflows, #workflows/ID (the designer), #publishing, #keys,
// #users, #customers (operators).
const SCREENS = ['keys', 'live', 'publishing', 'instances', 'workflows', 'users', 'customers'];
let shownHash = '';

function route() {
  if (!session.caller) return;
  if (shownHash.startsWith('#workflows/') && location.hash !== shownHash && unsavedDraft() &&
      !confirm('The draft has changes you have not saved. Leave it anyway?')) {
    history.replaceState(null, '', shownHash);
    return;
  }
  shownHash = location.hash;
  const [screen, id] = (location.hash.slice(1) || 'triggers').split('/');
  const nested = { triggers: 'timeline', workflows: 'designer' };
  let shown = id && nested[screen] ? nested[screen] : SCREENS.includes(screen) ? screen : 'triggers';
  // Every other screen is of one customer: an operator picks it first.
  if (session.caller.operator && (shown === 'customers' || !session.customer)) shown = 'customers';
  else if (shown === 'customers') shown = 'triggers';
  if (shown === 'live') watch();
  else unwatch();
  for (const node of document.querySelectorAll('.screen')) node.hidden = node.id !== shown;
  const tab = { timeline: 'triggers', designer: 'workflows' }[shown] ?? shown;
  for (const link of document.querySelectorAll('nav a[data-screen]')) {
    if (link.dataset.screen === tab) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (shown === 'keys') loadKeys();
  else if (shown === 'users') loadUsers();
  else if (shown === 'customers') loadCustomers();
  else if (shown === 'publishing') loadPublishingScreen();
  else if (shown === 'instances') loadInstanceList(id ? decodeURIComponent(id) : null);
  else if (shown === 'workflows') loadWorkflows();
  else if (shown === 'designer') openDesigner(decodeURIComponent(id));
  else if (shown === 'timeline') loadTimeline(decodeURIComponent(id));
  else if (shown === 'triggers') loadTriggers();
}
window.addEventListener('hashchange', route);

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

session.onEnded = signedOut;

// A reload keeps the session: the cookie is still there, and the server says who it is.
api('/api/admin/session').then(signedIn, () => signedOut());
