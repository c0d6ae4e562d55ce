// The Users screen (owners and admins): the customer's console users, added with a role no
// higher than one's own and a generated password shown once, given another role or a new
// generated password (which signs them out), and removed (their sessions end at once). The server enforces both rules; the page offers only what it would accept.
import { $, element, announce, show, fillTable, when } from './dom.js';
import { session, api } from './session.js';

const RANK = ['viewer', 'designer', 'admin', 'owner'];

export async function loadUsers() {
  show('users-error', '');
  const mine = session.caller.operator ? 'owner' : session.caller.role;
  for (const option of $('user-role').options) option.disabled = RANK.indexOf(option.value) > RANK.indexOf(mine);
  try {
    const { users } = await api('/api/admin/users');
    fillTable('users', users, (user) => {
      const actions = element('div', { class: 'actions' });
      const role = element('td');
      // One's own role is not changed here (the server refuses it: nobody could raise it again),
      // nor the role of someone above oneself.
      const mayChange = user.name !== session.caller.user && RANK.indexOf(user.role) <= RANK.indexOf(mine);
      if (mayChange) {
        role.append(roleSelect(user, mine));
        const reset = element('button', { type: 'button', class: 'quiet', text: 'Reset password', 'aria-label': `Reset the password of ${user.name}` });
        reset.addEventListener('click', () => resetPassword(user, reset));
        const remove = element('button', { type: 'button', class: 'quiet danger', text: 'Remove', 'aria-label': `Remove ${user.name}` });
        remove.addEventListener('click', () => removeUser(user, remove));
        actions.append(reset, remove);
      } else {
        role.textContent = user.role;
      }
      return element('tr', { 'data-user': user.name }, element('th', { scope: 'row', text: user.name }),
        role, element('td', { text: when(user.createdAt) }),
        element('td', { text: user.lastSignInAt ? when(user.lastSignInAt) : 'never' }), element('td', {}, actions));
    });
  } catch (error) {
    $('users-table').hidden = true;
    show('users-error', error.message);
  }
}

function roleSelect(user, mine) {
  const select = element('select', { 'aria-label': `Role of ${user.name}` },
    ...RANK.filter((r) => RANK.indexOf(r) <= RANK.indexOf(mine)).map((r) => element('option', { value: r, text: r })));
  select.value = user.role;
  select.addEventListener('change', async () => {
    select.disabled = true;
    try {
      await api(`/api/admin/users/${encodeURIComponent(user.name)}`, { method: 'PATCH', body: { role: select.value } });
      announce(`${user.name} is now ${select.value}`);
      await loadUsers();
    } catch (error) {
      select.value = user.role;
      select.disabled = false;
      show('users-error', error.message);
    }
  });
  return select;
}

function showPassword(name, password) {
  $('new-user-title').textContent = `${name}'s password`;
  $('new-user-password').value = password;
  $('new-user').hidden = false;
  $('new-user').focus();
}

async function resetPassword(user, button) {
  if (!confirm(`Give ${user.name} a new password? They are signed out at once and sign in with the new one.`)) return;
  button.disabled = true;
  try {
    const changed = await api(`/api/admin/users/${encodeURIComponent(user.name)}`, { method: 'PATCH', body: { resetPassword: true } });
    await loadUsers();
    showPassword(user.name, changed.password);
    announce(`${user.name} has a new password: copy it now, it is not shown again`);
  } catch (error) {
    button.disabled = false;
    show('users-error', error.message);
  }
}

async function removeUser(user, button) {
  if (!confirm(`Remove ${user.name}? They are signed out at once and cannot sign in again.`)) return;
  button.disabled = true;
  try {
    await api(`/api/admin/users/${encodeURIComponent(user.name)}`, { method: 'DELETE' });
    announce(`Removed ${user.name}`);
    await loadUsers();
  } catch (error) {
    button.disabled = false;
    show('users-error', error.message);
  }
}

$('user-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('users-error', '');
  try {
    const made = await api('/api/admin/users', { method: 'POST', body: { name: String(form.get('name')).trim(), role: String(form.get('role')) } });
    showPassword(made.name, made.password);
    event.target.reset();
    announce(`Added ${made.name}: copy their password now, it is not shown again`);
    await loadUsers();
  } catch (error) {
    show('users-error', error.message);
    $('user-name').focus();
  }
});
