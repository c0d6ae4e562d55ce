// The Customers screen (operators only): every customer of the installation with its console
// users, added, renamed in place, disabled (every key, token and user of it refused until it is
// enabled again; nothing deleted) and picked as the customer the other screens act on.
import { $, element, announce, show, fillTable, when } from './dom.js';
import { session, api } from './session.js';

let onPick = () => {};

// `pick(id)`: what acting on a customer does (console.js: the bar's customer field, then routing).
export function setCustomerPicker(pick) {
  onPick = pick;
}

export async function loadCustomers() {
  show('customers-error', '');
  try {
    const { customers } = await api('/api/admin/customers');
    fillTable('customers', customers, customerRow);
  } catch (error) {
    $('customers-table').hidden = true;
    show('customers-error', error.message);
  }
}

function customerRow(customer) {
  const name = element('td', { text: customer.name || '—' });
  const status = element('td', { text: customer.disabledAt ? `Disabled ${when(customer.disabledAt)}` : 'Active' });
  const actions = element('div', { class: 'actions' });
  const label = customer.name || customer.id;
  const act = element('button', { type: 'button', class: 'quiet', text: 'Act on', 'aria-label': `Act on ${label}` });
  if (customer.id === session.customer) act.setAttribute('aria-pressed', 'true');
  act.addEventListener('click', () => onPick(customer.id));
  const rename = element('button', { type: 'button', class: 'quiet', text: 'Rename', 'aria-label': `Rename ${label}` });
  rename.addEventListener('click', () => renameInPlace(customer, name, rename));
  const toggle = element('button', {
    type: 'button', class: customer.disabledAt ? 'quiet' : 'quiet danger',
    text: customer.disabledAt ? 'Enable' : 'Disable', 'aria-label': `${customer.disabledAt ? 'Enable' : 'Disable'} ${label}`,
  });
  toggle.addEventListener('click', () => setDisabled(customer, !customer.disabledAt, toggle));
  actions.append(act, rename, toggle);
  return element('tr', { 'data-customer': customer.id, class: customer.disabledAt ? 'disabled' : '' },
    element('th', { scope: 'row', text: customer.id }), name, element('td', { text: when(customer.createdAt) }),
    element('td', { text: String(customer.users) }), status, element('td', {}, actions));
}

function renameInPlace(customer, cell, button) {
  const input = element('input', { value: customer.name, 'aria-label': `New name of ${customer.id}`, autocomplete: 'off' });
  const form = element('form', { class: 'in-place' }, input,
    element('button', { type: 'submit', text: 'Save' }),
    element('button', { type: 'button', class: 'quiet', text: 'Cancel' }));
  form.lastChild.addEventListener('click', () => loadCustomers());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/api/admin/customers/${encodeURIComponent(customer.id)}`, { method: 'PATCH', body: { name: input.value.trim() } });
      announce(`Renamed ${customer.id}`);
      await loadCustomers();
    } catch (error) {
      show('customers-error', error.message);
      input.focus();
    }
  });
  button.disabled = true;
  cell.replaceChildren(form);
  input.focus();
  input.select();
}

async function setDisabled(customer, disabled, button) {
  if (disabled && !confirm(`Disable ${customer.id}? Its triggers are refused, its agents are disconnected and its users signed out until you enable it again. Nothing is deleted.`)) return;
  button.disabled = true;
  try {
    await api(`/api/admin/customers/${encodeURIComponent(customer.id)}`, { method: 'PATCH', body: { disabled } });
    announce(`${disabled ? 'Disabled' : 'Enabled'} ${customer.id}`);
    await loadCustomers();
  } catch (error) {
    button.disabled = false;
    show('customers-error', error.message);
  }
}

$('customer-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  show('customers-error', '');
  try {
    const made = await api('/api/admin/customers', { method: 'POST', body: { id: String(form.get('id')).trim(), name: String(form.get('name')).trim() } });
    event.target.reset();
    announce(`Added customer ${made.id}`);
    await loadCustomers();
  } catch (error) {
    show('customers-error', error.message);
    $(error.field === 'name' ? 'new-customer-name' : 'new-customer-id').focus();
  }
});
