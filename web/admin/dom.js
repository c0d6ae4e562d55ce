// The console's few DOM helpers: no framework, elements made from attributes and children.
export const $ = (id) => document.getElementById(id);

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// An SVG element (the designer's graph, the last hour's bars).
export function svg(tag, attributes = {}, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Said to screen readers by the page's polite live region.
export function announce(text) {
  $('announcer').textContent = text;
}

// A message line (#id) shown with `text`, hidden without.
export function show(id, text) {
  $(id).hidden = !text;
  $(id).textContent = text ?? '';
}

// A list's table (#NAME-table, rows in #NAME-body) and its "none" line (#NAME-empty).
export function fillTable(name, items, row) {
  $(`${name}-body`).replaceChildren(...items.map(row));
  $(`${name}-table`).hidden = items.length === 0;
  $(`${name}-empty`).hidden = items.length > 0;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
