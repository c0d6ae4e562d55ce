// The Users screen (owners and admins): the customer's console users, added with a role no
// higher than one's own and a generated password shown once, and removed (their sessions end
// at once). The server enforces both rules; the page offers only what it would accept.
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
      const actions = element('td');
      if (user.name !== session.caller.user && RANK.indexOf(user.role) <= RANK.indexOf(mine)) {
        const remove = element('button', { type: 'button', class: 'quiet danger', text: 'Remove', 'aria-label': `Remove ${user.name}` });
        remove.addEventListener('click', () => removeUser(user, remove));
        actions.append(remove);
      }
      return element('tr', { 'data-user': user.name }, element('th', { scope: 'row', text: user.name }),
        element('td', { text: user.role }), element('td', { text: when(user.createdAt) }),
        element('td', { text: user.lastSignInAt ? when(user.lastSignInAt) : 'never' }), actions);
    });
  } catch (error) {
    $('users-table').hidden = true;
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
    $('new-user-title').textContent = `${made.name}'s password`;
    $('new-user-password').value = made.password;
    $('new-user').hidden = false;
    $('new-user').focus();
    event.target.reset();
    announce(`Added ${made.name}: copy their password now, it is not shown again`);
    await loadUsers();
  } catch (error) {
    show('users-error', error.message);
    $('user-name').focus();
  }
});
