// nncalc web calculator: plain JavaScript modules, no build step. The page: options, the table,
// totals, diagram, chart, derivations, downloads and permalinks. Calculations: runner.js.
import { chart, chartShowsFlops, diagram } from "./diagram.js";
import { Editor } from "./editor.js";
import { bytes, download, el, num, shape, value } from "./format.js";
import { keepConfigOnly } from "./keras-zip.js";
import { Calculator } from "./runner.js";

const I18N = {
  en: {
    subtitle: "Keras model calculator", language: "Language",
    code_label: "Paste Keras code, or drop a .keras / .h5 / .json file here",
    clear_file: "Use the code instead", open_file: "Open a model file…", options: "Options", flops: "FLOPs",
    memory: "Memory", receptive_field: "Receptive field", show_trainable: "Trainable column",
    expand_nested: "Expand nested models", batch_size: "Batch size", optimizer: "Optimizer",
    run: "Calculate", permalink: "Copy permalink", download: "Download:",
    keras_text: "Keras text (model.summary())", running: "Calculating…",
    done_browser: "Calculated in your browser in {ms} ms.", done_server: "Calculated by the server.",
    loading: "Loading Python into your browser (the first time takes a few seconds)…",
    where_browser: "Runs in your browser: your code and files stay on this computer.",
    where_server: "Pasted code needs Pyodide's files on the server ({hint}); model files are read by the server.",
    h5_server: ".h5 files are read by the server (the in-browser Python has no h5py).",
    copied: "Permalink copied to the address bar (and clipboard).",
    no_permalink: "A permalink holds code only, not an uploaded file.",
    footer: "Figures computed by nncalc, without TensorFlow; the table is what Keras 3 prints. Click a layer (row or box) to see how each number is derived.",
    model: "Model", layer: "Layer (type)", output_shape: "Output Shape", params: "Param #",
    connected: "Connected to", trainable: "Trainable", macs: "MACs", flops_col: "FLOPs",
    activations: "Activations", rf: "Receptive field",
    total_params: "Total params", trainable_params: "Trainable params",
    non_trainable_params: "Non-trainable params", optimizer_params: "Optimizer params",
    total_macs: "Total MACs (per sample)", total_flops: "Total FLOPs (per sample)",
    inference: "Inference memory", training: "Training memory",
    diagram: "Diagram", chart: "Parameters and FLOPs per layer", chart_params: "Parameters per layer",
    topic_params: "Parameters", topic_output_shape: "Output shape", topic_cost: "MACs and FLOPs",
    topic_memory: "Memory", topic_receptive_field: "Receptive field",
    click_hint: "Click a row or a box of the diagram to see how its figures are derived.", file: "File",
    scroll_hint: "More columns to the right: scroll the table sideways →",
    expand_note: "“Expand nested models” does not change {models}: the script calls model.summary() itself, and that call's own arguments decide what it shows. Write model.summary(expand_nested=True), or remove the call to let this option apply.",
  },
  zh: {
    subtitle: "Keras 模型计算器", language: "语言",
    code_label: "粘贴 Keras 代码，或把 .keras / .h5 / .json 文件拖到这里",
    clear_file: "改用代码", open_file: "打开模型文件…", options: "选项", flops: "FLOPs", memory: "内存",
    receptive_field: "感受野", show_trainable: "可训练列",
    expand_nested: "展开嵌套模型", batch_size: "批大小", optimizer: "优化器",
    run: "计算", permalink: "复制永久链接", download: "下载：",
    keras_text: "Keras 文本（model.summary()）", running: "计算中…",
    done_browser: "已在浏览器中计算，用时 {ms} 毫秒。", done_server: "已由服务器计算。",
    loading: "正在把 Python 加载到浏览器中（第一次需要几秒钟）…",
    where_browser: "在浏览器中运行：代码和文件不会离开这台电脑。",
    where_server: "粘贴的代码需要服务器上有 Pyodide 的文件（{hint}）；模型文件由服务器读取。",
    h5_server: ".h5 文件由服务器读取（浏览器中的 Python 没有 h5py）。",
    copied: "永久链接已写入地址栏（并复制到剪贴板）。",
    no_permalink: "永久链接只保存代码，不保存上传的文件。",
    footer: "数字由 nncalc 计算，无需 TensorFlow；表格与 Keras 3 打印的一致。点击某一层（表格行或图中方框）查看每个数字的推导。",
    model: "模型", layer: "层（类型）", output_shape: "输出形状", params: "参数数量",
    connected: "连接到", trainable: "可训练", macs: "MACs", flops_col: "FLOPs",
    activations: "激活值", rf: "感受野",
    total_params: "总参数", trainable_params: "可训练参数",
    non_trainable_params: "不可训练参数", optimizer_params: "优化器参数",
    total_macs: "总 MACs（每个样本）", total_flops: "总 FLOPs（每个样本）",
    inference: "推理内存", training: "训练内存",
    diagram: "模型结构图", chart: "每层的参数与 FLOPs", chart_params: "每层的参数",
    topic_params: "参数", topic_output_shape: "输出形状", topic_cost: "MACs 与 FLOPs",
    topic_memory: "内存", topic_receptive_field: "感受野",
    click_hint: "点击表格中的一行或结构图中的方框，查看其数字的推导。", file: "文件",
    scroll_hint: "右侧还有更多列：左右滚动表格 →",
    expand_note: "“展开嵌套模型”不影响 {models}：脚本自己调用了 model.summary()，显示内容由该调用的参数决定。请写 model.summary(expand_nested=True)，或删除该调用让此选项生效。",
  },
};
const OPTION_IDS = ["flops", "memory", "receptive_field", "show_trainable", "expand_nested"];
const $ = (selector) => document.querySelector(selector);
const state = { lang: "en", file: null, result: null, runs: 0, busy: null, again: false };
const t = (key, fill = {}) => ((I18N[state.lang] || I18N.en)[key] || I18N.en[key] || key)
  .replace(/\{(\w+)\}/g, (_, name) => fill[name] ?? "");
let editor, calculator;

// ------------------------------------------------------------------ language
function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").value = state.lang;
  showWhere();
}

function showWhere() {
  if (!calculator || !calculator.manifest) return;
  $("#where").textContent = calculator.inBrowser ? t("where_browser") : t("where_server", { hint: calculator.manifest.fetch_hint });
}

// ------------------------------------------------------------------ calculate
function options() {
  const opts = { lang: state.lang, formats: ["markdown", "csv"] };
  for (const id of OPTION_IDS) opts[id] = $(`#opt-${id}`).checked;
  const batch = parseInt($("#opt-batch_size").value, 10);
  if (batch > 0) opts.batch_size = batch;
  opts.optimizer = $("#opt-optimizer").value;
  return opts;
}

// One calculation at a time; a request made meanwhile runs once the current one is done.
async function run() {
  if (state.busy) { state.again = true; return state.busy; }
  state.busy = (async () => {
    do {
      state.again = false;
      await calculate();
    } while (state.again);
  })();
  try { await state.busy; } finally { state.busy = null; }
}

async function calculate() {
  const request = state.file
    ? { filename: state.file.filename, data: state.file.data, options: options() }
    : { filename: "model.py", data: new TextEncoder().encode(editor.value), options: options() };
  $("#status").textContent = calculator.inBrowser && !calculator.loaded ? t("loading") : t("running");
  $("#run").disabled = true;
  const started = performance.now();
  let answer;
  try {
    answer = await calculator.run(request);
  } finally {
    $("#run").disabled = false;
  }
  if (!answer.ok) return showError(answer.error);
  $("#error").hidden = true;
  editor.setError(null);
  const h5 = /\.(h5|hdf5)$/i.test(request.filename);
  $("#status").textContent = !calculator.inBrowser ? t("done_server") : h5 ? t("h5_server")
    : t("done_browser", { ms: Math.round(performance.now() - started) });
  state.result = answer;
  render();
  document.body.dataset.lastRunMs = String(Math.round(performance.now() - started));
  if (!document.body.dataset.firstResultMs) document.body.dataset.firstResultMs = String(Math.round(performance.now()));
}

// An error replaces every result of the model before: nothing stale stays on the page.
function showError(message) {
  state.result = null;
  clearResults();
  $("#status").textContent = "";
  $("#error").textContent = message;
  $("#error").hidden = false;
  const where = /^nncalc: (?:error|错误): model\.py:(\d+):/.exec(message || "");
  editor.setError(where && !state.file ? Number(where[1]) : null);
  state.runs += 1;
  document.body.dataset.runs = String(state.runs);
}

function clearResults() {
  $("main").append($("#explain"));  // out of the old results before they go
  $("#explain").hidden = true;
  $("#results").replaceChildren();
  $("#notes").hidden = true;
  $("#downloads").hidden = true;
  $("#text").textContent = "";
  $("#text-details").hidden = true;
}

// ------------------------------------------------------------------ results
function render() {
  const answer = state.result;
  clearResults();
  $("#text").textContent = answer.text;
  $("#text-details").hidden = false;
  const notes = (answer.notes || []).filter((note) => note.kind === "expand_nested_in_script");
  if (notes.length) {
    $("#notes").textContent = notes.map((note) => t("expand_note", { models: note.models.map((m) => `"${m}"`).join(", ") })).join("\n");
    $("#notes").hidden = false;
  }
  answer.summary.models.forEach((model, index) => $("#results").append(renderModel(model, index)));
  for (const wrap of document.querySelectorAll(".table-wrap")) watchOverflow(wrap);
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
      onclick: () => explain(index, i),
      onkeydown: (event) => { if (event.key === "Enter") explain(index, i); },
    }, cols.map((c) => el("td", { class: c.cls, "data-label": c.head }, c.cell(layer)))))));
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
    el("p", { class: "scroll-hint", hidden: true }, t("scroll_hint")),
    el("div", { class: "table-wrap", tabindex: "0" }, table), dl,
    el("h3", {}, t("diagram")), el("div", { class: "diagram" }, diagram(model, (i) => explain(index, i))),
    el("h3", { class: "chart-title" }, chartShowsFlops(model) ? t("chart") : t("chart_params")),
    el("div", { class: "chart" }, chart(model, t("params"))));
}

// A table wider than its box scrolls sideways; then a hint says so (and a shadow on the edge).
function watchOverflow(wrap) {
  const hint = wrap.parentElement.querySelector(".scroll-hint");
  const update = () => {
    const more = wrap.scrollWidth > wrap.clientWidth + 1;
    const atEnd = wrap.scrollLeft + wrap.clientWidth >= wrap.scrollWidth - 1;
    hint.hidden = !more;
    wrap.classList.toggle("more-right", more && !atEnd);
  };
  wrap.addEventListener("scroll", update);
  new ResizeObserver(update).observe(wrap);
  update();
}

function explain(modelIndex, index) {
  const model = state.result.summary.models[modelIndex];
  const layer = model.layers[index];
  const container = $(`#model-${modelIndex}`);
  for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  container.querySelector("table").tBodies[0].rows[index].classList.add("selected");
  const box = container.querySelector(`g.node[data-layer="${CSS.escape(layer.name)}"]`);
  if (box) box.classList.add("selected");
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
  container.querySelector("dl.totals").after($("#explain"));  // under its model's table
  $("#explain").hidden = false;
  $("#explain").scrollIntoView({ block: "nearest" });
}

// ------------------------------------------------------------------ permalink
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
// The permalink keeps the code in the URL's fragment (#...), which browsers never send.
async function permalink() {
  if (state.file) { $("#status").textContent = t("no_permalink"); return; }
  const params = new URLSearchParams();
  params.set("code", await compress(editor.value));
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
    try { editor.value = await decompress(params.get("code")); return true; } catch (error) { /* fall back */ }
  }
  return false;
}

// ------------------------------------------------------------------ files
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
async function useFile(file) {
  if (!file) return;
  let data = new Uint8Array(await file.arrayBuffer());
  const lower = file.name.toLowerCase();
  if (lower.endsWith(".keras")) data = keepConfigOnly(data);
  const ext = lower.slice(lower.lastIndexOf("."));
  state.file = { filename: SAFE_NAME.test(file.name) ? file.name : `model${ext}`, data };
  $("#file-name").textContent = `${t("file")}: ${file.name}`;
  $("#file-panel").hidden = false;
  $("#editor").hidden = true;
  $("#code-label").hidden = true;
  editor.setError(null);
  await run();
}
function clearFile() {
  state.file = null;
  $("#file").value = "";
  $("#file-name").textContent = "";
  $("#file-panel").hidden = true;
  $("#editor").hidden = false;
  $("#code-label").hidden = false;
}

// ------------------------------------------------------------------ start
function onCalculatorState(kind, detail) {
  if (kind === "loading") $("#status").textContent = t("loading");
  if (kind === "failed") { $("#error").textContent = `nncalc: error: ${detail}`; $("#error").hidden = false; }
  showWhere();
}

async function start() {
  editor = new Editor($("#code"), $("#gutter"), $("#line-mark"));
  calculator = new Calculator(onCalculatorState);
  const starting = calculator.start();  // Python starts loading while the page gets ready
  const hadCode = await fromHash();
  if (!hadCode) editor.value = await (await fetch("example.py")).text();
  applyLanguage();
  $("#run").addEventListener("click", run);
  $("#permalink").addEventListener("click", permalink);
  $("#lang").addEventListener("change", () => { state.lang = $("#lang").value; applyLanguage(); run(); });
  $("#file").addEventListener("change", () => useFile($("#file").files[0]));
  $("#clear-file").addEventListener("click", () => { clearFile(); run(); });
  $("#close-explain").addEventListener("click", () => { $("#explain").hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("#explain").hidden) { $("#explain").hidden = true; event.preventDefault(); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
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
  await starting;
  showWhere();
  if (calculator.inBrowser) await run();
  else { $("#status").textContent = ""; }
}
start();
