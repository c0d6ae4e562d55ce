// Workflow templates: text with {path ?? 'default' |filter} placeholders (docs/workflows.md,
// "Templates"). The server validates every template before a definition is stored
// (src/workflows/template.cpp); this renders them the same way in the agent's browser. A
// template that does not parse renders as its own text, noted in `missing`, never throws.
//
//   render("Call from {interaction.ani|digits}", context) → {text: "Call from 5551234", missing: []}

const FILTERS = new Set(['urlencode', 'digits', 'lower', 'upper', 'json']);
const isSpace = (c) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const endsSegment = (c) => '.|{}?\''.includes(c) || isSpace(c);

export class TemplateError extends Error {}

// Parses `text` into literal strings and placeholders {path, segments, fallback, filters}.
export function parse(text) {
  const parts = [];
  let literal = '';
  let at = 0;
  const fail = (offset, what) => {
    throw new TemplateError(`at position ${offset + 1}: ${what}`);
  };
  const skipSpaces = () => {
    while (at < text.length && isSpace(text[at])) at += 1;
  };
  const placeholder = () => {
    const open = at;
    at += 1;
    skipSpaces();
    const pathAt = at;
    const segments = [];
    for (;;) {
      const begin = at;
      while (at < text.length && !endsSegment(text[at])) at += 1;
      if (at >= text.length) fail(open, "'{' is never closed");
      if (at === begin) fail(at, 'empty segment in the path');
      segments.push(text.slice(begin, at));
      if (text[at] !== '.') break;
      at += 1;
    }
    const path = text.slice(pathAt, at);
    skipSpaces();
    let fallback = null;
    if (text.startsWith('??', at)) {
      at += 2;
      skipSpaces();
      if (text[at] !== "'") fail(at, "a default is a quoted text after '??'");
      const quote = at;
      at += 1;
      fallback = '';
      while (at < text.length && text[at] !== "'") {
        if (text[at] === '\\' && (text[at + 1] === "'" || text[at + 1] === '\\')) at += 1;
        fallback += text[at];
        at += 1;
      }
      if (at >= text.length) fail(quote, "the default's quote is never closed");
      at += 1;
      skipSpaces();
    }
    const filters = [];
    while (text[at] === '|') {
      at += 1;
      skipSpaces();
      const begin = at;
      while (at < text.length && !endsSegment(text[at])) at += 1;
      const name = text.slice(begin, at);
      if (!FILTERS.has(name)) fail(begin, `unknown filter '${name}'`);
      filters.push(name);
      skipSpaces();
    }
    if (text[at] !== '}') fail(at, `unexpected end of '{${path}...'`);
    at += 1;
    return { path, segments, fallback, filters };
  };
  while (at < text.length) {
    const c = text[at];
    if ((c === '{' || c === '}') && text[at + 1] === c) {
      literal += c;
      at += 2;
    } else if (c === '}') {
      fail(at, "unmatched '}'");
    } else if (c === '{') {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(placeholder());
    } else {
      literal += c;
      at += 1;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

// The value at `segments` in the context, or undefined. A segment of digits indexes an array.
export function lookup(context, segments) {
  let at = context;
  for (const segment of segments) {
    if (Array.isArray(at)) {
      if (!/^[0-9]{1,9}$/.test(segment)) return undefined;
      at = at[Number(segment)];
    } else if (at !== null && typeof at === 'object' && Object.hasOwn(at, segment)) {
      at = at[segment];
    } else {
      return undefined;
    }
    if (at === undefined) return undefined;
  }
  return at;
}

// A value as a template shows it: a string as itself, null as nothing, the rest as JSON.
export function asText(value) {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

const encoder = new TextEncoder();
const UNRESERVED = /[A-Za-z0-9\-._~]/;

function urlencode(text) {
  let out = '';
  for (const byte of encoder.encode(text)) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function applyFilter(name, text) {
  switch (name) {
    case 'urlencode':
      return urlencode(text);
    case 'digits':
      return text.replace(/[^0-9]/g, '');
    case 'lower':
      return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
    case 'upper':
      return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
    case 'json':
      return JSON.stringify(text);
    default:
      return text;
  }
}

function renderPlaceholder(p, context, missing) {
  const value = lookup(context, p.segments);
  if (value === undefined && !missing.includes(p.path)) missing.push(p.path);
  let text;
  let first = 0;
  if (p.fallback !== null && (value === undefined || value === null)) {
    text = p.fallback;
  } else if (p.filters[0] === 'json') {
    // Until a filter makes it text the value stays JSON: |json of a number is the number.
    text = value === undefined ? 'null' : JSON.stringify(value);
    first = 1;
  } else {
    text = asText(value);
  }
  for (const name of p.filters.slice(first)) text = applyFilter(name, text);
  return text;
}

const parsed = new Map();  // text → parts, for the templates a page renders again and again
const PARSED_MAX = 2000;

function partsOf(text) {
  let parts = parsed.get(text);
  if (!parts) {
    parts = parse(text);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, parts);
  }
  return parts;
}

// The text, and the paths that were missing (each once), in `missing` when given.
export function render(text, context, missing = []) {
  if (typeof text !== 'string') return { text: asText(text), missing };
  let parts;
  try {
    parts = partsOf(text);
  } catch (error) {
    missing.push(`invalid template: ${error.message}`);
    return { text, missing };
  }
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : renderPlaceholder(part, context, missing);
  return { text: out, missing };
}

// The one placeholder `text` consists of (a choose's rows, a for_each's items), as a value.
export function resolveValue(text, context, missing = []) {
  const parts = partsOf(String(text).trim());
  const placeholder = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : null;
  if (!placeholder) return undefined;
  const value = lookup(context, placeholder.segments);
  if (value === undefined) missing.push(placeholder.path);
  return value;
}

// Whether rendered text may be opened: an http(s) URL, never javascript: or data:.
export function isWebUrl(text) {
  return /^https?:\/\//i.test(text);
}
