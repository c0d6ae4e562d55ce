// A workflow's steps as a graph: `layout()` places each step in a layer below every step that
// leads to it (the validator refuses cycles, so the longest path from `start` is defined), and
// `drawGraph()` draws it as SVG, one box per step and one labelled arrow per branch. The SVG is
// a picture; `outline()` says the same in words for screen readers and the keyboard.
import { svg } from './dom.js';

const BOX = { width: 168, height: 46, gapX: 28, gapY: 58, margin: 12 };

// {nodes: [{id, type, layer, slot, x, y}], edges: [{from, to, branch}], width, height}
export function layout(definition) {
  const steps = definition?.steps ?? {};
  const edges = [];
  for (const [id, step] of Object.entries(steps))
    for (const [branch, to] of Object.entries(step?.next ?? {}))
      if (typeof to === 'string' && to in steps) edges.push({ from: id, to, branch });
  // Longest-path layering by relaxation; a step reached from nowhere (the validator says so)
  // stays in layer 0 beside `start`.
  const layer = Object.fromEntries(Object.keys(steps).map((id) => [id, 0]));
  for (let round = 0, changed = true; changed && round <= Object.keys(steps).length; round += 1) {
    changed = false;
    for (const { from, to } of edges)
      if (to !== definition.start && layer[to] < layer[from] + 1) {
        layer[to] = layer[from] + 1;
        changed = true;
      }
  }
  const layers = [];
  const ordered = [definition.start, ...Object.keys(steps).filter((id) => id !== definition.start)].filter((id) => id in steps);
  for (const id of ordered) (layers[layer[id]] ??= []).push(id);
  const widest = Math.max(1, ...layers.map((ids) => ids?.length ?? 0));
  const width = BOX.margin * 2 + widest * BOX.width + (widest - 1) * BOX.gapX;
  const nodes = [];
  layers.forEach((ids = [], depth) => {
    const row = ids.length * BOX.width + (ids.length - 1) * BOX.gapX;
    ids.forEach((id, slot) => nodes.push({
      id, type: steps[id]?.type ?? '?', layer: depth, slot,
      x: (width - row) / 2 + slot * (BOX.width + BOX.gapX),
      y: BOX.margin + depth * (BOX.height + BOX.gapY),
    }));
  });
  const height = BOX.margin * 2 + layers.length * BOX.height + Math.max(0, layers.length - 1) * BOX.gapY;
  return { nodes, edges, width, height };
}

const clipped = (text, length) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

export function drawGraph(definition, title) {
  const { nodes, edges, width, height } = layout(definition);
  const at = Object.fromEntries(nodes.map((node) => [node.id, node]));
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'graph' });
  const defs = svg('defs', {});
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
  defs.append(marker);
  picture.append(defs);
  for (const { from, to, branch } of edges) {
    const a = at[from];
    const b = at[to];
    const x1 = a.x + BOX.width / 2;
    const y1 = a.y + BOX.height;
    const x2 = b.x + BOX.width / 2;
    const y2 = b.y;
    const bend = (y1 + y2) / 2;
    picture.append(svg('path', { d: `M${x1},${y1} C${x1},${bend} ${x2},${bend} ${x2},${y2}`, class: 'edge', 'marker-end': 'url(#arrow)' }));
    picture.append(svg('text', { x: (x1 + x2) / 2 + 4, y: bend, class: 'branch' }, clipped(branch, 18)));
  }
  for (const node of nodes) {
    const group = svg('g', { class: `step${node.id === definition.start ? ' start' : ''}`, 'data-step': node.id });
    group.append(svg('rect', { x: node.x, y: node.y, width: BOX.width, height: BOX.height, rx: 6 }));
    group.append(svg('text', { x: node.x + 8, y: node.y + 19, class: 'id' }, clipped(node.id, 20)));
    group.append(svg('text', { x: node.x + 8, y: node.y + 36, class: 'type' }, node.type));
    picture.append(group);
  }
  return picture;
}

// One line per step, in layer order: "pop (show), the start: done → log".
export function outline(definition) {
  const { nodes, edges } = layout(definition);
  return nodes.map(({ id, type }) => {
    const out = edges.filter((edge) => edge.from === id).map((edge) => `${edge.branch} → ${edge.to}`);
    return `${id} (${type})${id === definition.start ? ', the start' : ''}: ${out.length ? out.join(', ') : 'ends the run'}`;
  });
}
