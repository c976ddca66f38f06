// nncalc's Web Worker: Python (Pyodide, WebAssembly) with nncalc, off the page's thread.
// Messages in:  {type: "init", manifest (assets.json)}   then   {type: "run", id, filename, data, options}
// Messages out: {type: "ready", seconds} | {type: "failed", error} | {type: "answer", id, answer, ms}
// The code and the file stay here: this worker fetches only Pyodide's files and the wheels
// (from the page's own origin, as assets.json lists them) and nothing after it is ready.
const WORK_DIR = "/tmp/nncalc";  // nncalc.serve.browser.WORK_DIR
let python = null;
let calculate = null;

async function init(manifest) {
  const started = performance.now();
  const base = new URL(manifest.pyodide.url, self.location.href).href;
  const wheels = manifest.wheels.map((url) => fetch(new URL(url, self.location.href)).then((response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.arrayBuffer();
  }));
  // A memory snapshot of Python with nncalc imported, made for these wheels (nncalc/serve/wheels.py): restored
  // instead of starting Python and importing nncalc.
  const snapshot = manifest.snapshot && fetch(new URL(manifest.snapshot, self.location.href)).then((response) => {
    if (!response.ok) throw new Error(`${manifest.snapshot}: HTTP ${response.status}`);
    return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  });
  const { loadPyodide } = await import(base + "pyodide.mjs");
  const options = { indexURL: base, stdLibURL: base + manifest.pyodide.stdlib, packageCacheDir: base,
    env: { HOME: "/home/pyodide" } };
  try {
    python = await loadPyodide(snapshot ? { ...options, _loadSnapshot: snapshot } : options);
  } catch (error) {  // a snapshot this browser cannot restore: start Python the long way
    if (!snapshot) throw error;
    python = await loadPyodide(options);
  }
  // The wheels go onto sys.path as they are: Python imports from the zips (their byte code is
  // compiled for these very paths, see nncalc/serve/bytecode.py; a snapshot has them already).
  python.FS.mkdirTree(manifest.wheels_dir);
  const paths = (await Promise.all(wheels)).map((data, i) => {
    const path = `${manifest.wheels_dir}/${manifest.wheels[i].split("?")[0].split("/").pop()}`;
    python.FS.writeFile(path, new Uint8Array(data));
    return path;
  });
  python.globals.set("nncalc_wheels", python.toPy(paths));
  python.runPython("import sys; sys.path += [p for p in nncalc_wheels if p not in sys.path]; del nncalc_wheels");
  python.FS.mkdirTree(WORK_DIR);
  calculate = python.pyimport("nncalc.serve.browser").calculate;
  return (performance.now() - started) / 1000;
}

function clearWorkDir() {
  const dir = WORK_DIR;
  for (const name of python.FS.readdir(dir)) if (name !== "." && name !== "..") python.FS.unlink(`${dir}/${name}`);
}

self.onmessage = async (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      self.postMessage({ type: "ready", seconds: await init(message.manifest) });
    } catch (error) {
      self.postMessage({ type: "failed", error: String(error && error.message ? error.message : error) });
    }
    return;
  }
  if (message.type === "run") {
    const started = performance.now();
    let answer;
    try {
      clearWorkDir();
      python.FS.writeFile(`${WORK_DIR}/${message.filename}`, message.data);
      answer = JSON.parse(calculate(message.filename, JSON.stringify(message.options)));
    } catch (error) {
      // Python itself failed (e.g. WebAssembly ran out of memory): this interpreter may be broken
      const last = String(error && error.message ? error.message : error).trim().split("\n").pop();
      answer = { ok: false, status: 500, restart: true,
        error: `nncalc: error: Python in the browser failed (${last}); it has been restarted for the next calculation` };
    }
    self.postMessage({ type: "answer", id: message.id, answer, ms: performance.now() - started });
  }
};
