// The agent's client at /agent/: sign-in, the pops on screen, missed pops and settings, over
// the PopFlow runtime (runtime/popflow.js). The token comes in the URL fragment
// (/agent/#token=…&crmId=…&profile=…), which no server ever receives, or from the sign-in
// form; it is kept in this browser's localStorage until "Sign out", so other tabs and reloads
// share it, and the fragment is cleared from the address bar at once.
import { PopFlow, tokenClaims } from './runtime/popflow.js';
import { Superseded } from './runtime/runner.js';
import { Tabs } from './runtime/tabs.js';

const SESSION_KEY = 'popflow.agent.session';
const SOUND_KEY = 'popflow.agent.sound';
const MAX_POPS = 20;  // cards kept on screen; older ones leave the DOM

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function readSession() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get('token')) {
    const session = { token: fragment.get('token'), crmId: fragment.get('crmId') ?? '', profile: fragment.get('profile') ?? '' };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    history.replaceState(null, '', location.pathname);
    return session;
  }
  try {
    return JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

function announce(text) {
  const announcer = $('announcer');
  announcer.textContent = '';
  // A new text node in a cleared region is announced even when the text repeats.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

function toast(title, message, level = 'info') {
  const node = element('div', { class: `toast ${level}`, role: level === 'error' ? 'alert' : 'status' },
    title ? element('strong', { text: title }) : null, element('span', { text: message }));
  $('toasts').append(node);
  setTimeout(() => node.remove(), 8000);
}

let audio;
function beep() {
  if (localStorage.getItem(SOUND_KEY) === 'off') return;
  try {
    audio ??= new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.4);
  } catch {
    // no audio: the card and the announcement remain
  }
}

function desktopNotification(title, body) {
  if (!('Notification' in window) || Notification.permission !== 'granted' || document.hasFocus()) return;
  try {
    new Notification(title, { body, tag: 'popflow' });
  } catch {
    // notifications refused by the platform
  }
}

function fieldList(fields) {
  if (!fields.length) return null;
  const list = element('dl', { class: 'fields' });
  for (const { label, value } of fields) list.append(element('dt', { text: label }), element('dd', { text: value }));
  return list;
}

// One trigger's place on screen: its card, then whatever its steps show below it.
class Pop {
  constructor(message, workflow) {
    this.id = message.id;
    this.node = element('article', { class: 'pop', 'data-trigger': message.id, 'aria-labelledby': `pop-${message.id}` });
    this.heading = element('h3', { id: `pop-${message.id}`, tabindex: '-1', text: workflow?.name ?? message.event });
    const meta = element('p', { class: 'meta', text: `${message.event} · ${new Date(message.receivedAt).toLocaleTimeString()}` });
    this.body = element('div', { class: 'pop-body' });
    const dismiss = element('button', { type: 'button', class: 'quiet dismiss', 'aria-label': `Dismiss ${workflow?.name ?? message.event}`, text: '×' });
    dismiss.addEventListener('click', () => this.close());
    this.node.append(element('header', {}, this.heading, dismiss), meta, this.body);
    const list = $('pops');
    list.prepend(this.node);
    while (list.children.length > MAX_POPS) {
      pops.delete(list.lastElementChild.dataset.trigger);  // nothing keeps a pop off screen alive
      list.lastElementChild.remove();
    }
    $('empty').hidden = true;
  }

  close() {
    pops.delete(this.id);
    this.node.remove();
    $('empty').hidden = $('pops').children.length > 0;
  }

  outcome(run) {
    this.node.dataset.outcome = run.outcome;
    if (run.outcome === 'failed') this.body.append(element('p', { class: 'error', role: 'alert', text: `This pop failed: ${run.error ?? 'unknown error'}` }));
    if (run.outcome === 'superseded') this.node.classList.add('superseded');
  }

  show(card) {
    const node = element('section', { class: 'card' }, element('h4', { text: card.title }), fieldList(card.fields));
    this.body.append(node);
    announce(`New pop: ${card.title}. ${card.fields.map((f) => `${f.label}: ${f.value}`).join('. ')}`);
    if (card.sound) beep();
    if (card.notify) desktopNotification(card.title, card.fields.map((f) => `${f.label}: ${f.value}`).join('\n'));
    tabs.post({ type: 'card', id: this.id, card });
  }

  notify(note) {
    toast(note.title, note.message, note.level);
    tabs.post({ type: 'notify', note });
  }

  // Resolves with what the agent pressed; rejects with Superseded when `signal` aborts.
  ask(build, signal) {
    return new Promise((resolve, reject) => {
      const form = build(resolve);
      this.body.append(form);
      (form.querySelector('input, select, textarea, button') ?? form).focus();
      signal?.addEventListener('abort', () => {
        form.remove();
        reject(new Superseded());
      }, { once: true });
    });
  }

  form(spec, signal) {
    return this.ask((resolve) => {
      const form = element('form', { class: 'step-form', 'aria-label': spec.title, novalidate: true });
      form.append(element('h4', { text: spec.title }));
      spec.fields.forEach((field, index) => {
        const id = `f-${this.id}-${index}`;
        let input;
        if (field.kind === 'textarea') input = element('textarea', { id, name: field.name, rows: 3 });
        else if (field.kind === 'select') {
          input = element('select', { id, name: field.name }, element('option', { value: '', text: '—' }),
            ...field.options.map((o) => element('option', { value: o, text: o })));
        } else input = element('input', { id, name: field.name, type: field.kind === 'number' ? 'number' : field.kind === 'checkbox' ? 'checkbox' : 'text' });
        if (field.required) input.required = true;
        if (field.kind === 'checkbox') input.checked = field.default === true || field.default === 'true';
        else if (field.default !== undefined) input.value = String(field.default);
        const label = element('label', { for: id, text: field.label + (field.required ? ' (required)' : '') });
        form.append(field.kind === 'checkbox' ? element('div', { class: 'check' }, input, label) : element('div', { class: 'row' }, label, input));
      });
      const error = element('p', { class: 'error', role: 'alert', hidden: true });
      const buttons = element('div', { class: 'buttons' });
      for (const button of spec.buttons) {
        const node = element('button', { type: 'button', 'data-button': button.id, text: button.label });
        node.addEventListener('click', () => {
          const values = {};
          let firstMissing = null;
          spec.fields.forEach((field, index) => {
            const input = form.querySelector(`#f-${CSS.escape(this.id)}-${index}`);
            values[field.name] = field.kind === 'checkbox' ? input.checked : field.kind === 'number' && input.value !== '' ? Number(input.value) : input.value;
            input.removeAttribute('aria-invalid');
            if (field.required && (values[field.name] === '' || values[field.name] === false)) {
              input.setAttribute('aria-invalid', 'true');
              firstMissing ??= { input, field };
            }
          });
          if (firstMissing) {
            error.hidden = false;
            error.textContent = `${firstMissing.field.label} is required.`;
            firstMissing.input.focus();
            return;
          }
          form.remove();
          this.body.append(element('p', { class: 'done', text: `${spec.title}: ${button.label}` }));
          resolve({ button: button.id, values });
        });
        buttons.append(node);
      }
      form.addEventListener('submit', (event) => event.preventDefault());
      form.append(error, buttons);
      return form;
    }, signal);
  }

  choose(spec, signal) {
    return this.ask((resolve) => {
      const form = element('form', { class: 'step-choose', 'aria-label': spec.title });
      form.addEventListener('submit', (event) => event.preventDefault());
      const table = element('table');
      table.append(element('caption', { text: spec.title }));
      table.append(element('thead', {}, element('tr', {}, element('th', { scope: 'col', text: 'Pick' }), ...spec.columns.map((c) => element('th', { scope: 'col', text: c })))));
      const body = element('tbody');
      spec.rows.forEach((cells, index) => {
        const radio = element('input', { type: 'radio', name: `row-${this.id}`, value: String(index), 'aria-label': cells.join(', '), checked: index === 0 });
        body.append(element('tr', {}, element('td', {}, radio), ...cells.map((c) => element('td', { text: c }))));
      });
      table.append(body);
      const buttons = element('div', { class: 'buttons' });
      const picked = () => Number(form.querySelector('input[type=radio]:checked')?.value ?? -1);
      for (const button of spec.buttons) {
        const node = element('button', { type: 'button', 'data-button': button.id, text: button.label, disabled: spec.rows.length === 0 });
        node.addEventListener('click', () => {
          form.remove();
          resolve({ button: button.id, row: picked() });
        });
        buttons.append(node);
      }
      const cancel = element('button', { type: 'button', class: 'quiet', 'data-button': 'cancel', text: 'Cancel' });
      cancel.addEventListener('click', () => {
        form.remove();
        resolve({ button: 'cancel', row: -1 });
      });
      buttons.append(cancel);
      form.append(table, buttons);
      return form;
    }, signal);
  }
}

const pops = new Map();  // trigger id → Pop, while on screen
let tabs;
let popflow;

function setStatus(text, level = 'info') {
  const status = $('status');
  status.hidden = false;
  status.textContent = text;
  status.dataset.level = level;
}

function showSignIn(message) {
  $('desk').hidden = true;
  $('signout').hidden = true;
  $('who').hidden = true;
  $('status').hidden = true;
  $('signin').hidden = false;
  const error = $('signin-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  $('signin-token').focus();
}

function signOut(message, { everywhere = true } = {}) {
  localStorage.removeItem(SESSION_KEY);
  popflow?.stop();
  if (everywhere) tabs?.post({ type: 'signedout', message });
  tabs?.close();
  showSignIn(message);
}

function missedPops(messages) {
  const list = $('missed-list');
  for (const message of messages) {
    if (list.querySelector(`li[data-trigger="${CSS.escape(message.id)}"]`)) continue;
    const what = `missed-${message.id}`;
    const item = element('li', { 'data-trigger': message.id }, element('span', { id: what, text: `${message.event} · ${message.data?.ani ?? ''} · ${new Date(message.receivedAt).toLocaleTimeString()}` }));
    // The buttons' names stay short; the pop they act on is their description.
    const run = element('button', { type: 'button', text: 'Run it now', 'aria-describedby': what });
    run.addEventListener('click', () => {
      item.remove();
      $('missed').hidden = list.children.length === 0;
      popflow.handle(message, { manual: true });
    });
    const dismiss = element('button', { type: 'button', class: 'quiet', text: 'Dismiss', 'aria-describedby': what });
    dismiss.addEventListener('click', () => {
      item.remove();
      $('missed').hidden = list.children.length === 0;
    });
    item.append(run, dismiss);
    list.append(item);
  }
  $('missed').hidden = list.children.length === 0;
}

function lead(session) {
  $('passive').hidden = true;
  const ui = {
    forTrigger(message, workflow) {
      const pop = new Pop(message, workflow);
      pops.set(message.id, pop);
      tabs.post({ type: 'pop', message, workflow: workflow && { name: workflow.name, version: workflow.version } });
      return pop;
    },
    close(id) {
      pops.get(id)?.close();
      pops.delete(id);
    },
  };
  popflow = new PopFlow({ token: session.token, crmId: session.crmId, profile: session.profile, ui });
  popflow.addEventListener('status', ({ detail }) => {
    const words = { connected: 'Connected', connecting: 'Reconnecting…', offline: 'Offline: pops arrive when the connection is back', error: detail.message };
    setStatus(words[detail.state] ?? detail.state, detail.state === 'connected' ? 'ok' : 'warning');
    tabs.post({ type: 'status', detail });
  });
  popflow.addEventListener('catalog', ({ detail }) => {
    $('who').hidden = false;
    $('who').textContent = `Agent ${detail.agentId ?? ''} · ${detail.crmId}${detail.profile ? ` · ${detail.profile}` : ''}`;
  });
  popflow.addEventListener('run', ({ detail }) => {
    const pop = pops.get(detail.message.id);
    if (pop) pop.outcome(detail.run);
    if (detail.run.outcome === 'stale') missedPops([detail.message]);
    tabs.post({ type: 'run', id: detail.message.id, outcome: detail.run.outcome });
    // Runs reported by this page, for whoever watches it (bench/agent-pop.mjs).
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
  });
  popflow.addEventListener('missed', ({ detail }) => missedPops(detail));
  popflow.addEventListener('signedout', ({ detail }) => signOut(detail.message));
  setStatus('Connecting…');
  popflow.start().catch((error) => setStatus(`Cannot reach the server: ${error.message}`, 'warning'));
}

// A follower shows what the leading tab runs, read-only.
function follow(message) {
  if (message.type === 'signedout') {
    signOut(message.message, { everywhere: false });
  } else if (message.type === 'pop') {
    const pop = new Pop(message.message, message.workflow);
    pops.set(message.message.id, pop);
  } else if (message.type === 'card') {
    const pop = pops.get(message.id);
    if (pop) pop.body.append(element('section', { class: 'card' }, element('h4', { text: message.card.title }), fieldList(message.card.fields)));
  } else if (message.type === 'run') {
    pops.get(message.id)?.outcome({ outcome: message.outcome });
  } else if (message.type === 'status') {
    setStatus(`Other tab: ${message.detail.state}`, message.detail.state === 'connected' ? 'ok' : 'warning');
  }
}

function start(session) {
  const claims = tokenClaims(session.token);
  if (!claims) {
    signOut('That is not a token: paste the whole client token.', { everywhere: false });
    return;
  }
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('signout').hidden = false;
  $('passive').hidden = false;
  tabs = new Tabs(`popflow.${claims.sub}.${claims.agt ?? ''}`);
  tabs.onLead = () => lead(session);
  tabs.onMessage = (message) => {
    if (!tabs.leading || message.type === 'signedout') follow(message);
  };
  tabs.start();
}

$('signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const session = { token: String(form.get('token')).trim(), crmId: String(form.get('crmId') ?? '').trim(), profile: String(form.get('profile') ?? '').trim() };
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  start(session);
});
$('signout').addEventListener('click', () => signOut('Signed out.'));
$('setting-sound').checked = localStorage.getItem(SOUND_KEY) !== 'off';
$('setting-sound').addEventListener('change', (event) => localStorage.setItem(SOUND_KEY, event.target.checked ? 'on' : 'off'));
$('setting-notify').addEventListener('click', () => Notification.requestPermission?.());

// Leaving the page hands the connection to the next tab at once (Web Locks do that by
// themselves; the localStorage lease of plain-http origins needs telling). A page restored
// from the back-forward cache starts over, as a follower or the leader.
window.addEventListener('pagehide', () => tabs?.close());
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});

const session = readSession();
if (session?.token) start(session);
else showSignIn();
