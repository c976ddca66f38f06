// The model's diagram (a layered drawing of its graph) and the per-layer bar chart, as SVG.
import { SVG_NS, num, shape, svg } from "./format.js";

const W = 230, H = 52, GX = 30, GY = 44, M = 16, LANE = 18;

// Every connection drawn: Keras' "Connected to" links (a Sequential-like model: a chain).
export function connections(model) {
  const names = new Set(model.layers.map((l) => l.name));
  const edges = [];
  if (model.sequential_like) {
    for (let i = 1; i < model.layers.length; i += 1) edges.push([model.layers[i - 1].name, model.layers[i].name]);
  } else {
    for (const layer of model.layers) for (const c of layer.connected_to) if (names.has(c.layer)) edges.push([c.layer, layer.name]);
  }
  return edges;
}

// Layered layout (Sugiyama style). Each layer's level is its longest path from an input; an
// edge that skips levels gets a "lane" (a slot of its own) on every level it crosses, so that it
// runs beside the boxes of those levels instead of through them; within a level, slots are
// ordered by the mean position of their neighbours (a few sweeps down and up), which keeps a
// residual connection next to the chain it skips. Between two levels an edge is a curve in the
// empty band between their rows, so no edge crosses a box.
export function layout(model) {
  const edges = connections(model);
  const level = new Map(model.layers.map((l) => [l.name, 0]));
  for (let pass = 0; pass < model.layers.length; pass += 1) {
    let changed = false;
    for (const [a, b] of edges) if (level.get(b) < level.get(a) + 1) { level.set(b, level.get(a) + 1); changed = true; }
    if (!changed) break;
  }
  const depth = Math.max(0, ...level.values()) + 1;
  const rows = Array.from({ length: depth }, () => []);
  const slots = new Map();  // id -> {id, layer|null, level, width, up: [ids], down: [ids]}
  const add = (slot) => { slots.set(slot.id, slot); rows[slot.level].push(slot); return slot; };
  for (const layer of model.layers) add({ id: layer.name, layer, level: level.get(layer.name), width: W, up: [], down: [] });
  const routes = edges.map(([a, b], k) => {
    const ids = [a];
    for (let y = level.get(a) + 1; y < level.get(b); y += 1) ids.push(add({ id: `#${k}@${y}`, layer: null, level: y, width: LANE, up: [], down: [] }).id);
    ids.push(b);
    for (let i = 1; i < ids.length; i += 1) { slots.get(ids[i - 1]).down.push(ids[i]); slots.get(ids[i]).up.push(ids[i - 1]); }
    return { from: a, to: b, ids };
  });
  const order = new Map();
  const renumber = (row) => row.forEach((slot, i) => order.set(slot.id, i));
  rows.forEach(renumber);
  const sweep = (row, side) => {
    const key = new Map(row.map((slot) => {
      const near = slot[side];
      return [slot.id, near.length ? near.reduce((s, id) => s + order.get(id), 0) / near.length : order.get(slot.id)];
    }));
    row.sort((p, q) => key.get(p.id) - key.get(q.id));
    renumber(row);
  };
  for (let round = 0; round < 4; round += 1) {
    for (let y = 1; y < depth; y += 1) sweep(rows[y], "up");
    for (let y = depth - 2; y >= 0; y -= 1) sweep(rows[y], "down");
  }
  const rowWidth = (row) => row.reduce((s, slot) => s + slot.width, 0) + Math.max(0, row.length - 1) * GX;
  const width = M * 2 + Math.max(W, ...rows.map(rowWidth));
  rows.forEach((row, y) => {
    let x = (width - rowWidth(row)) / 2;
    for (const slot of row) { slot.x = x; slot.y = M + y * (H + GY); x += slot.width + GX; }
  });
  const height = M * 2 + depth * H + (depth - 1) * GY;
  return { width, height, slots, routes, rows };
}

// Where an edge leaves its source and enters its target: spread along the box's edge, in the
// order of the other ends, so that two connections between the same rows stay apart.
function ports(routes, slots) {
  const out = new Map(), inn = new Map();
  routes.forEach((route, k) => {
    (out.get(route.from) || out.set(route.from, []).get(route.from)).push(k);
    (inn.get(route.to) || inn.set(route.to, []).get(route.to)).push(k);
  });
  const at = new Map();
  const spread = (groups, side, other) => {
    for (const [id, list] of groups) {
      const slot = slots.get(id);
      list.sort((p, q) => slots.get(routes[p].ids[other(routes[p])]).x - slots.get(routes[q].ids[other(routes[q])]).x);
      list.forEach((k, i) => { at.set(`${side}${k}`, slot.x + (slot.width * (i + 1)) / (list.length + 1)); });
    }
  };
  spread(out, "out", () => 1);
  spread(inn, "in", (route) => route.ids.length - 2);
  return at;
}

export function diagram(model, onSelect) {
  const { width, height, slots, routes } = layout(model);
  const at = ports(routes, slots);
  const root = svg("svg", { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, class: "model-diagram",
    "font-family": "sans-serif", "font-size": "12" });
  root.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" }))));
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  routes.forEach((route, k) => {
    const points = [[at.get(`out${k}`), slots.get(route.from).y + H]];
    for (const id of route.ids.slice(1, -1)) {
      const lane = slots.get(id);
      points.push([lane.x + LANE / 2, lane.y], [lane.x + LANE / 2, lane.y + H]);
    }
    points.push([at.get(`in${k}`), slots.get(route.to).y]);
    let d = `M${points[0][0]},${points[0][1]}`;
    for (let i = 1; i < points.length; i += 1) {
      const [x1, y1] = points[i - 1], [x2, y2] = points[i];
      const between = i % 2 === 1;  // between two rows: a curve; along a lane: a straight line
      d += between ? ` C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}` : ` L${x2},${y2}`;
    }
    root.append(svg("path", { d, fill: "none", stroke: route.ids.length > 2 ? "#7a5195" : "#555", "stroke-width": "1.3",
      "marker-end": "url(#arrow)", class: "edge", "data-from": route.from, "data-to": route.to }));
  });
  const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
  model.layers.forEach((layer, index) => {
    const p = slots.get(layer.name);
    const pick = () => onSelect(index);
    root.append(svg("g", { class: "node", "data-layer": layer.name, transform: `translate(${p.x},${p.y})`, tabindex: "0",
      role: "button", onclick: pick, onkeydown: (event) => { if (event.key === "Enter") pick(); } },
      svg("title", {}, `${layer.name} (${layer.class_name}) ${shape(layer.output_shape)} — ${num(layer.params)} params`),
      svg("rect", { width: W, height: H, rx: "6", fill: layer.params ? "#e8f0fe" : "#f4f4f4", stroke: "#4a6fa5" }),
      svg("text", { x: W / 2, y: 20, "text-anchor": "middle", "font-weight": "bold", fill: "#111" }, clip(`${layer.name} (${layer.class_name})`, 34)),
      svg("text", { x: W / 2, y: 38, "text-anchor": "middle", fill: "#333" }, clip(shape(layer.output_shape), 36))));
  });
  return root;
}

// ------------------------------------------------------------------ bar chart
export const chartShowsFlops = (model) => model.layers.some((l) => typeof l.flops === "number");

export function chart(model, paramsLabel) {
  const layers = model.layers;
  const hasFlops = chartShowsFlops(model);
  const maxP = Math.max(1, ...layers.map((l) => l.params || 0));
  const maxF = Math.max(1, ...layers.map((l) => l.flops || 0));
  const LABEL = 190, BAR = 260, ROW = hasFlops ? 30 : 20, PAD = 10, TEXT = 120;
  const width = LABEL + BAR + TEXT + PAD * 2;
  const height = PAD * 2 + 18 + layers.length * ROW;
  const root = svg("svg", { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, class: "bar-chart", "font-family": "sans-serif", "font-size": "11" });
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  root.append(svg("rect", { x: PAD, y: PAD, width: 10, height: 10, fill: "#4a6fa5" }), svg("text", { x: PAD + 14, y: PAD + 9 }, paramsLabel));
  if (hasFlops) root.append(svg("rect", { x: PAD + 110, y: PAD, width: 10, height: 10, fill: "#e07b39" }), svg("text", { x: PAD + 124, y: PAD + 9 }, "FLOPs"));
  layers.forEach((layer, i) => {
    const y = PAD + 22 + i * ROW;
    const clip = (s) => (s.length > 28 ? s.slice(0, 27) + "…" : s);
    root.append(svg("text", { x: PAD + LABEL - 6, y: y + 10, "text-anchor": "end" }, clip(layer.name)));
    const wp = Math.max(layer.params ? 1 : 0, (BAR * (layer.params || 0)) / maxP);
    root.append(svg("rect", { x: PAD + LABEL, y, width: wp, height: 11, fill: "#4a6fa5", class: "bar-params" }),
      svg("text", { x: PAD + LABEL + wp + 4, y: y + 10 }, num(layer.params)));
    if (hasFlops) {
      const wf = Math.max(layer.flops ? 1 : 0, (BAR * (layer.flops || 0)) / maxF);
      root.append(svg("rect", { x: PAD + LABEL, y: y + 13, width: wf, height: 11, fill: "#e07b39", class: "bar-flops" }),
        svg("text", { x: PAD + LABEL + wf + 4, y: y + 23 }, num(layer.flops)));
    }
  });
  return root;
}
