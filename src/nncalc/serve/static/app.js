// nncalc web calculator: plain JavaScript, no build step. Talks to POST /api/summary.
"use strict";

const I18N = {
  en: {
    subtitle: "Keras model calculator", language: "Language",
    code_label: "Paste Keras code, or drop a .keras / .h5 / .json file here",
    clear_file: "Use the code instead", options: "Options", flops: "FLOPs", memory: "Memory",
    receptive_field: "Receptive field", show_trainable: "Trainable column",
    expand_nested: "Expand nested models", batch_size: "Batch size", optimizer: "Optimizer",
    run: "Calculate", permalink: "Copy permalink", download: "Download:",
    keras_text: "Keras text (model.summary())", running: "Calculating…", done: "Done.",
    copied: "Permalink copied to the address bar (and clipboard).",
    no_permalink: "A permalink holds code only, not an uploaded file.",
    footer: "Figures computed by nncalc, without TensorFlow; the table is what Keras 3 prints. Click a layer to see how each number is derived.",
    model: "Model", layer: "Layer (type)", output_shape: "Output Shape", params: "Param #",
    connected: "Connected to", trainable: "Trainable", macs: "MACs", flops_col: "FLOPs",
    activations: "Activations", rf: "Receptive field",
    total_params: "Total params", trainable_params: "Trainable params",
    non_trainable_params: "Non-trainable params", optimizer_params: "Optimizer params",
    total_macs: "Total MACs (per sample)", total_flops: "Total FLOPs (per sample)",
    inference: "Inference memory", training: "Training memory",
    diagram: "Diagram", chart: "Parameters and FLOPs per layer",
    topic_params: "Parameters", topic_output_shape: "Output shape", topic_cost: "MACs and FLOPs",
    topic_memory: "Memory", topic_receptive_field: "Receptive field",
    click_hint: "Click a row to see how its figures are derived.", file: "File",
  },
  zh: {
    subtitle: "Keras 模型计算器", language: "语言",
    code_label: "粘贴 Keras 代码，或把 .keras / .h5 / .json 文件拖到这里",
    clear_file: "改用代码", options: "选项", flops: "FLOPs", memory: "内存",
    receptive_field: "感受野", show_trainable: "可训练列",
    expand_nested: "展开嵌套模型", batch_size: "批大小", optimizer: "优化器",
    run: "计算", permalink: "复制永久链接", download: "下载：",
    keras_text: "Keras 文本（model.summary()）", running: "计算中…", done: "完成。",
    copied: "永久链接已写入地址栏（并复制到剪贴板）。",
    no_permalink: "永久链接只保存代码，不保存上传的文件。",
    footer: "数字由 nncalc 计算，无需 TensorFlow；表格与 Keras 3 打印的一致。点击某一层查看每个数字的推导。",
    model: "模型", layer: "层（类型）", output_shape: "输出形状", params: "参数数量",
    connected: "连接到", trainable: "可训练", macs: "MACs", flops_col: "FLOPs",
    activations: "激活值", rf: "感受野",
    total_params: "总参数", trainable_params: "可训练参数",
    non_trainable_params: "不可训练参数", optimizer_params: "优化器参数",
    total_macs: "总 MACs（每个样本）", total_flops: "总 FLOPs（每个样本）",
    inference: "推理内存", training: "训练内存",
    diagram: "模型结构图", chart: "每层的参数与 FLOPs",
    topic_params: "参数", topic_output_shape: "输出形状", topic_cost: "MACs 与 FLOPs",
    topic_memory: "内存", topic_receptive_field: "感受野",
    click_hint: "点击某一行查看其数字的推导。", file: "文件",
  },
};
const OPTION_IDS = ["flops", "memory", "receptive_field", "show_trainable", "expand_nested"];
const $ = (selector) => document.querySelector(selector);
const state = { lang: "en", file: null, result: null, runs: 0 };
const t = (key) => (I18N[state.lang] || I18N.en)[key] || I18N.en[key] || key;

// ------------------------------------------------------------------ helpers
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
const num = (n) => (n === null || n === undefined ? "?" : typeof n === "number" ? n.toLocaleString("en-US") : String(n));
function bytes(n) {
  if (n === null || n === undefined) return "?";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${n.toFixed(2)} ${units[i]}`;
}
function shape(s) {
  if (s === null || s === undefined) return "?";
  if (typeof s === "string") return s;
  if (Array.isArray(s) && s.some((d) => Array.isArray(d))) return "[" + s.map(shape).join(", ") + "]";
  if (Array.isArray(s)) return "(" + s.map((d) => (d === null ? "None" : String(d))).join(", ") + (s.length === 1 ? ",)" : ")");
  return JSON.stringify(s);
}
function value(v) {
  if (Array.isArray(v)) return shape(v);
  if (typeof v === "number") return num(v);
  if (v === null || v === undefined) return "?";
  return String(v);
}
function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
function b64urlEncode(bytesArray) {
  let s = "";
  for (let i = 0; i < bytesArray.length; i += 0x8000) s += String.fromCharCode(...bytesArray.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function b64urlDecode(text) {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}
async function compress(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return b64urlEncode(new Uint8Array(await new Response(stream).arrayBuffer()));
}
async function decompress(text) {
  const stream = new Blob([b64urlDecode(text)]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

// ------------------------------------------------------------------ language
function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").value = state.lang;
}

// ------------------------------------------------------------------ request
function options() {
  const opts = { lang: state.lang, formats: ["markdown", "csv"] };
  for (const id of OPTION_IDS) opts[id] = $(`#opt-${id}`).checked;
  const batch = parseInt($("#opt-batch_size").value, 10);
  if (batch > 0) opts.batch_size = batch;
  opts.optimizer = $("#opt-optimizer").value;
  return opts;
}
async function run() {
  const body = options();
  if (state.file) Object.assign(body, state.file);
  else body.code = $("#code").value;
  $("#status").textContent = t("running");
  $("#run").disabled = true;
  let answer;
  let status = 0;
  try {
    const response = await fetch("api/summary", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    status = response.status;
    answer = await response.json();
  } catch (error) {
    answer = { error: String(error) };
  } finally {
    $("#run").disabled = false;
  }
  if (status !== 200 || answer.error) {
    $("#status").textContent = "";
    $("#error").textContent = answer.error || `HTTP ${status}`;
    $("#error").hidden = false;
    return;
  }
  $("#error").hidden = true;
  $("#status").textContent = t("done");
  state.result = answer;
  render();
}

// ------------------------------------------------------------------ results
function render() {
  const answer = state.result;
  if (!answer) return;
  $("#text").textContent = answer.text;
  const results = $("#results");
  $("main").append($("#explain"));  // out of the old results before they go
  $("#explain").hidden = true;
  results.replaceChildren();
  answer.summary.models.forEach((model, index) => results.append(renderModel(model, index)));
  $("#downloads").hidden = false;
  state.runs += 1;
  document.body.dataset.runs = String(state.runs);  // tests wait for this to change
}
function columns(model) {
  const has = (key) => model.layers.some((layer) => key in layer);
  const cols = [
    { head: t("layer"), cell: (l) => `${"  ".repeat(l.depth)}${l.name} (${l.class_name})`, cls: "name" },
    { head: t("output_shape"), cell: (l) => shape(l.output_shape) },
    { head: t("params"), cell: (l) => num(l.params), cls: "num" },
  ];
  if (!model.sequential_like) {
    cols.push({ head: t("connected"), cell: (l) => l.connected_to.map((c) => `${c.layer}[${c.node_index}][${c.tensor_index}]`).join(", ") || "-" });
  }
  if ($("#opt-show_trainable").checked) cols.push({ head: t("trainable"), cell: (l) => (l.trainable === null ? "-" : l.trainable ? "Y" : "N") });
  if (has("macs")) {
    cols.push({ head: t("macs"), cell: (l) => num(l.macs), cls: "num" });
    cols.push({ head: t("flops_col"), cell: (l) => num(l.flops), cls: "num" });
  }
  if (has("activation_bytes")) cols.push({ head: t("activations"), cell: (l) => bytes(l.activation_bytes), cls: "num" });
  if (has("receptive_field")) cols.push({ head: t("rf"), cell: (l) => (l.receptive_field ? l.receptive_field.text || "-" : "-") });
  return cols;
}
function renderModel(model, index) {
  const cols = columns(model);
  const table = el("table", { class: "layers", "data-model": model.name },
    el("thead", {}, el("tr", {}, cols.map((c) => el("th", { class: c.cls }, c.head)))),
    el("tbody", {}, model.layers.map((layer, i) => el("tr", {
      tabindex: "0", "data-layer": layer.name, class: "layer-row",
      onclick: () => explain(model, layer, i),
      onkeydown: (event) => { if (event.key === "Enter") explain(model, layer, i); },
    }, cols.map((c) => el("td", { class: c.cls }, c.cell(layer)))))));
  const totals = [
    [t("total_params"), `${num(model.total_params)} (${bytes(model.total_bytes)})`],
    [t("trainable_params"), `${num(model.trainable_params)} (${bytes(model.trainable_bytes)})`],
    [t("non_trainable_params"), `${num(model.non_trainable_params)} (${bytes(model.non_trainable_bytes)})`],
  ];
  if (model.optimizer_params) totals.push([t("optimizer_params"), `${num(model.optimizer_params)} (${bytes(model.optimizer_bytes)})`]);
  const analysis = model.analysis || {};
  if ("macs" in analysis) totals.push([t("total_macs"), num(analysis.macs)], [t("total_flops"), num(analysis.flops)]);
  if (analysis.memory) {
    totals.push([`${t("inference")} (batch ${analysis.memory.batch_size})`, bytes(analysis.memory.inference_bytes)]);
    totals.push([`${t("training")} (batch ${analysis.memory.batch_size}, ${analysis.memory.optimizer})`, bytes(analysis.memory.training_bytes)]);
  }
  const dl = el("dl", { class: "totals" }, totals.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  return el("div", { class: "model", id: `model-${index}` },
    el("h2", {}, `${t("model")}: "${model.name}"`),
    el("p", { class: "hint" }, t("click_hint")),
    el("div", { class: "table-wrap" }, table), dl,
    el("h3", {}, t("diagram")), el("div", { class: "diagram" }, diagram(model)),
    el("h3", {}, t("chart")), el("div", { class: "chart" }, chart(model)));
}
function explain(model, layer, index) {
  for (const row of document.querySelectorAll("tr.selected")) row.classList.remove("selected");
  const table = document.querySelector(`table[data-model="${CSS.escape(model.name)}"]`);
  if (table) table.tBodies[0].rows[index].classList.add("selected");
  $("#explain-title").textContent = `${layer.name} (${layer.class_name})`;
  const body = $("#explain-body");
  body.replaceChildren();
  for (const [topic, steps] of Object.entries(layer.explanation || {})) {
    if (!steps || !steps.length) continue;
    body.append(el("h3", {}, t(`topic_${topic}`)));
    const list = el("ul", { class: "steps", "data-topic": topic });
    for (const step of steps) {
      const shown = value(step.value);
      const plain = step.formula === shown || step.value === null || step.formula.endsWith(`→ ${shown}`);
      const formula = plain ? step.formula : `${step.formula} = ${shown}`;
      list.append(el("li", { class: `step topic-${step.topic}` },
        el("span", { class: "label" }, step.label), ": ", el("code", { class: "formula" }, formula),
        step.rule ? el("div", { class: "rule" }, step.rule) : null));
    }
    body.append(list);
  }
  const where = document.querySelector(`table[data-model="${CSS.escape(model.name)}"]`);
  if (where) where.closest(".model").querySelector("dl.totals").after($("#explain"));  // under its row's table
  $("#explain").hidden = false;
}

// ------------------------------------------------------------------ diagram (layered layout)
function graph(model) {
  const names = model.layers.map((l) => l.name);
  const edges = [];
  if (model.sequential_like) {
    for (let i = 1; i < names.length; i += 1) edges.push([names[i - 1], names[i]]);
  } else {
    for (const layer of model.layers) for (const c of layer.connected_to) if (names.includes(c.layer)) edges.push([c.layer, layer.name]);
  }
  const level = {};
  for (const name of names) level[name] = 0;
  for (let pass = 0; pass < names.length; pass += 1) {  // longest path from the inputs
    let changed = false;
    for (const [a, b] of edges) if (level[b] < level[a] + 1) { level[b] = level[a] + 1; changed = true; }
    if (!changed) break;
  }
  return { edges, level };
}
function diagram(model) {
  const { edges, level } = graph(model);
  const W = 230, H = 52, GX = 30, GY = 38, M = 16;
  const rows = [];
  model.layers.forEach((layer) => { (rows[level[layer.name]] = rows[level[layer.name]] || []).push(layer); });
  const widest = Math.max(1, ...rows.map((r) => (r ? r.length : 0)));
  const width = M * 2 + widest * W + (widest - 1) * GX;
  const pos = {};
  rows.forEach((row, y) => {
    if (!row) return;
    const rowWidth = row.length * W + (row.length - 1) * GX;
    row.forEach((layer, x) => { pos[layer.name] = { x: (width - rowWidth) / 2 + x * (W + GX), y: M + y * (H + GY) }; });
  });
  const height = M * 2 + rows.length * H + Math.max(0, rows.length - 1) * GY;
  const root = svg("svg", { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, class: "model-diagram",
    "font-family": "sans-serif", "font-size": "12" });
  root.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto" },
    svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" }))));
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  for (const [a, b] of edges) {
    const p = pos[a], q = pos[b];
    if (!p || !q) continue;
    const x1 = p.x + W / 2, y1 = p.y + H, x2 = q.x + W / 2, y2 = q.y;
    const my = (y1 + y2) / 2;
    root.append(svg("path", { d: `M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2}`, fill: "none", stroke: "#555", "stroke-width": "1.3", "marker-end": "url(#arrow)", class: "edge" }));
  }
  for (const layer of model.layers) {
    const p = pos[layer.name];
    const clip = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
    root.append(svg("g", { class: "node", "data-layer": layer.name, transform: `translate(${p.x},${p.y})` },
      svg("title", {}, `${layer.name} (${layer.class_name}) ${shape(layer.output_shape)} — ${num(layer.params)} params`),
      svg("rect", { width: W, height: H, rx: "6", fill: layer.params ? "#e8f0fe" : "#f4f4f4", stroke: "#4a6fa5" }),
      svg("text", { x: W / 2, y: 20, "text-anchor": "middle", "font-weight": "bold", fill: "#111" }, clip(`${layer.name} (${layer.class_name})`, 34)),
      svg("text", { x: W / 2, y: 38, "text-anchor": "middle", fill: "#333" }, clip(shape(layer.output_shape), 36))));
  }
  return root;
}

// ------------------------------------------------------------------ bar chart
function chart(model) {
  const layers = model.layers;
  const hasFlops = layers.some((l) => typeof l.flops === "number");
  const maxP = Math.max(1, ...layers.map((l) => l.params || 0));
  const maxF = Math.max(1, ...layers.map((l) => l.flops || 0));
  const LABEL = 190, BAR = 260, ROW = hasFlops ? 30 : 20, M = 10, TEXT = 120;
  const width = LABEL + BAR + TEXT + M * 2;
  const height = M * 2 + 18 + layers.length * ROW;
  const root = svg("svg", { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, class: "bar-chart", "font-family": "sans-serif", "font-size": "11" });
  root.append(svg("rect", { x: 0, y: 0, width, height, fill: "#ffffff" }));
  root.append(svg("rect", { x: M, y: M, width: 10, height: 10, fill: "#4a6fa5" }), svg("text", { x: M + 14, y: M + 9 }, t("params")));
  if (hasFlops) root.append(svg("rect", { x: M + 110, y: M, width: 10, height: 10, fill: "#e07b39" }), svg("text", { x: M + 124, y: M + 9 }, "FLOPs"));
  layers.forEach((layer, i) => {
    const y = M + 22 + i * ROW;
    const clip = (s) => (s.length > 28 ? s.slice(0, 27) + "…" : s);
    root.append(svg("text", { x: M + LABEL - 6, y: y + 10, "text-anchor": "end" }, clip(layer.name)));
    const wp = Math.max(layer.params ? 1 : 0, (BAR * (layer.params || 0)) / maxP);
    root.append(svg("rect", { x: M + LABEL, y, width: wp, height: 11, fill: "#4a6fa5", class: "bar-params" }),
      svg("text", { x: M + LABEL + wp + 4, y: y + 10 }, num(layer.params)));
    if (hasFlops) {
      const wf = Math.max(layer.flops ? 1 : 0, (BAR * (layer.flops || 0)) / maxF);
      root.append(svg("rect", { x: M + LABEL, y: y + 13, width: wf, height: 11, fill: "#e07b39", class: "bar-flops" }),
        svg("text", { x: M + LABEL + wf + 4, y: y + 23 }, num(layer.flops)));
    }
  });
  return root;
}

// ------------------------------------------------------------------ permalink
async function permalink() {
  if (state.file) { $("#status").textContent = t("no_permalink"); return; }
  const params = new URLSearchParams();
  params.set("code", await compress($("#code").value));
  const opts = options();
  for (const id of OPTION_IDS) if (opts[id]) params.set(id, "1");
  if (opts.batch_size !== 32) params.set("batch_size", String(opts.batch_size));
  if (opts.optimizer !== "adam") params.set("optimizer", opts.optimizer);
  if (state.lang !== "en") params.set("lang", state.lang);
  history.replaceState(null, "", "#" + params.toString());
  try { await navigator.clipboard.writeText(location.href); } catch (error) { /* no clipboard: the address bar has it */ }
  $("#status").textContent = t("copied");
}
async function fromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("lang") in I18N) state.lang = params.get("lang");
  for (const id of OPTION_IDS) $(`#opt-${id}`).checked = params.get(id) === "1";
  if (params.get("batch_size")) $("#opt-batch_size").value = params.get("batch_size");
  if (params.get("optimizer")) $("#opt-optimizer").value = params.get("optimizer");
  if (params.get("code")) {
    try { $("#code").value = await decompress(params.get("code")); return true; } catch (error) { /* fall back */ }
  }
  return false;
}

// ------------------------------------------------------------------ files
// A .keras file is a zip of config.json, metadata.json and the weights; nncalc reads only the
// first two, so the page sends a zip of those (a 100 MB model becomes a few KB). Anything it
// does not understand (not a zip, zip64) is sent as it is, for the server to judge.
function keepConfigOnly(bytesIn) {
  const view = new DataView(bytesIn.buffer, bytesIn.byteOffset, bytesIn.byteLength);
  let eocd = -1;
  for (let i = bytesIn.length - 22; i >= Math.max(0, bytesIn.length - 65557); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return bytesIn;
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const keep = [];
  for (let n = 0; n < count; n += 1) {
    if (p + 46 > bytesIn.length || view.getUint32(p, true) !== 0x02014b50) return bytesIn;
    const method = view.getUint16(p + 10, true), crc = view.getUint32(p + 16, true);
    const csize = view.getUint32(p + 20, true), usize = view.getUint32(p + 24, true);
    const nlen = view.getUint16(p + 28, true), xlen = view.getUint16(p + 30, true), clen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = bytesIn.subarray(p + 46, p + 46 + nlen);
    const text = new TextDecoder().decode(name);
    if (text === "config.json" || text === "metadata.json") {
      if (csize === 0xffffffff || local + 30 > bytesIn.length) return bytesIn;
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      keep.push({ name, method, crc, csize, usize, data: bytesIn.subarray(start, start + csize) });
    }
    p += 46 + nlen + xlen + clen;
  }
  if (!keep.some((entry) => new TextDecoder().decode(entry.name) === "config.json")) return bytesIn;
  const parts = [], central = [];
  let offset = 0;
  const header = (size) => { const b = new Uint8Array(size); return [b, new DataView(b.buffer)]; };
  for (const entry of keep) {
    const [lh, l] = header(30);
    l.setUint32(0, 0x04034b50, true); l.setUint16(4, 20, true); l.setUint16(8, entry.method, true);
    l.setUint16(12, 0x21, true); l.setUint32(14, entry.crc, true); l.setUint32(18, entry.csize, true);
    l.setUint32(22, entry.usize, true); l.setUint16(26, entry.name.length, true);
    const [ch, c] = header(46);
    c.setUint32(0, 0x02014b50, true); c.setUint16(4, 20, true); c.setUint16(6, 20, true); c.setUint16(10, entry.method, true);
    c.setUint16(14, 0x21, true); c.setUint32(16, entry.crc, true); c.setUint32(20, entry.csize, true);
    c.setUint32(24, entry.usize, true); c.setUint16(28, entry.name.length, true); c.setUint32(42, offset, true);
    parts.push(lh, entry.name, entry.data);
    central.push(ch, entry.name);
    offset += 30 + entry.name.length + entry.data.length;
  }
  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const [end, e] = header(22);
  e.setUint32(0, 0x06054b50, true); e.setUint16(8, keep.length, true); e.setUint16(10, keep.length, true);
  e.setUint32(12, centralSize, true); e.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((sum, b) => sum + b.length, 0));
  let at = 0;
  for (const b of all) { out.set(b, at); at += b.length; }
  return out;
}
async function useFile(file) {
  if (!file) return;
  let buffer = new Uint8Array(await file.arrayBuffer());
  if (file.name.toLowerCase().endsWith(".keras")) buffer = keepConfigOnly(buffer);
  let s = "";
  for (let i = 0; i < buffer.length; i += 0x8000) s += String.fromCharCode(...buffer.subarray(i, i + 0x8000));
  state.file = { filename: file.name, content_base64: btoa(s) };
  $("#file-name").textContent = `${t("file")}: ${file.name}`;
  $("#clear-file").hidden = false;
  $("#code").disabled = true;
  await run();
}
function clearFile() {
  state.file = null;
  $("#file").value = "";
  $("#file-name").textContent = "";
  $("#clear-file").hidden = true;
  $("#code").disabled = false;
}

// ------------------------------------------------------------------ start
async function start() {
  const hadCode = await fromHash();
  if (!hadCode) $("#code").value = await (await fetch("example.py")).text();
  applyLanguage();
  $("#run").addEventListener("click", run);
  $("#permalink").addEventListener("click", permalink);
  $("#lang").addEventListener("change", () => { state.lang = $("#lang").value; applyLanguage(); $("#explain").hidden = true; run(); });
  $("#file").addEventListener("change", () => useFile($("#file").files[0]));
  $("#clear-file").addEventListener("click", () => { clearFile(); run(); });
  $("#close-explain").addEventListener("click", () => { $("#explain").hidden = true; });
  const drop = $("#drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => { event.preventDefault(); drop.classList.remove("over"); useFile(event.dataTransfer.files[0]); });
  $("#dl-json").addEventListener("click", () => download("summary.json", JSON.stringify(state.result.summary, null, 2) + "\n", "application/json"));
  $("#dl-markdown").addEventListener("click", () => download("summary.md", state.result.markdown, "text/markdown"));
  $("#dl-csv").addEventListener("click", () => download("summary.csv", state.result.csv, "text/csv"));
  $("#dl-svg").addEventListener("click", () => {
    const node = document.querySelector("svg.model-diagram");
    const name = state.result.summary.models[0].name;
    download(`${name}.svg`, '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(node), "image/svg+xml");
  });
  await run();
}
document.addEventListener("DOMContentLoaded", start);
