// Where a calculation runs. With Pyodide's files (assets.json lists them): in this browser, in a
// Web Worker (calc-worker.js) running nncalc in WebAssembly; the code and the files never leave
// the page. A run that takes longer than the time limit ends the worker (and a fresh one starts).
// Without them (a server whose Pyodide files were not fetched): model files go to the server's
// API, which only parses them; pasted code is not sent anywhere.

const DEFAULT_TIMEOUT_MS = 20000;

export class Calculator {
  constructor(onState) {
    this.onState = onState;  // ("loading" | "ready" | "failed" | "server", detail)
    this.manifest = null;
    this.worker = null;
    this.ready = null;
    this.pending = null;
    this.runs = 0;
    this.loaded = false;
  }

  get inBrowser() { return Boolean(this.manifest && this.manifest.pyodide); }
  get hasApi() { return Boolean(this.manifest && this.manifest.api); }

  async start() {
    this.onState("loading");
    try {
      const response = await fetch("assets.json");
      this.manifest = response.ok ? await response.json() : { pyodide: null, wheels: [], api: true };
    } catch (error) {
      this.manifest = { pyodide: null, wheels: [], api: true };
    }
    if (this.inBrowser) this.startWorker();
    else this.onState("server", this.manifest.fetch_hint || "nncalc serve --fetch-pyodide");
  }

  startWorker() {
    this.loaded = false;
    this.onState("loading");
    const started = performance.now();
    this.worker = new Worker("calc-worker.js", { type: "module" });
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (event) => {
        const message = event.data;
        if (message.type === "ready") {
          this.loaded = true;
          this.onState("ready", (performance.now() - started) / 1000);
          resolve();
        } else if (message.type === "failed") {
          this.onState("failed", message.error);
          reject(new Error(message.error));
        } else if (message.type === "answer" && this.pending && this.pending.id === message.id) {
          this.pending.resolve(message.answer);
          if (message.answer.restart) this.restart();
        }
      };
      this.worker.onerror = (event) => {
        if (this.loaded && this.pending) {  // it died during a run: a fresh one for the next
          this.pending.resolve({ ok: false, error: `nncalc: error: the in-browser calculator stopped (${event.message || "worker error"})` });
          this.restart();
          return;
        }
        const error = `the in-browser calculator could not start (${event.message || "worker error"})`;
        this.onState("failed", error);
        reject(new Error(error));
      };
    });
    this.ready.catch(() => {});
    this.worker.postMessage({ type: "init", manifest: this.manifest });
  }

  restart() {
    this.worker.terminate();
    this.startWorker();
  }

  // {filename, data: Uint8Array, options} -> the answer of POST /api/summary (plus ok/status).
  async run(request) {
    const h5 = /\.(h5|hdf5)$/i.test(request.filename);
    if (this.inBrowser && !h5) return this.runInBrowser(request);
    if (request.filename.endsWith(".py")) {
      return { ok: false, error: `nncalc: error: pasted code runs in your browser, but this server has not got Pyodide's files: run \`${this.manifest.fetch_hint}\` and reload (model files work without them)` };
    }
    if (!this.hasApi) {
      return { ok: false, error: `nncalc: error: ${request.filename}: .h5 files need h5py, which the in-browser calculator has not: run \`nncalc summary ${request.filename}\` or \`nncalc serve\`, or save the model as .keras` };
    }
    return this.runOnServer(request);
  }

  async runInBrowser(request) {
    try {
      await this.ready;
    } catch (error) {
      return { ok: false, error: `nncalc: error: ${error.message}` };
    }
    this.runs += 1;
    const id = this.runs;
    const limit = self.NNCALC_TIMEOUT_MS || DEFAULT_TIMEOUT_MS;  // (tests set a shorter one)
    const answer = new Promise((resolve) => {
      this.pending = { id, resolve };
      const timer = setTimeout(() => {
        this.restart();  // a fresh Python for the next run
        resolve({ ok: false, error: `nncalc: error: ${request.filename}: the calculation took longer than ${limit / 1000} s, the page's limit (an endless loop?); it was stopped` });
      }, limit);
      this.pending.resolve = (value) => { clearTimeout(timer); this.pending = null; resolve(value); };
    });
    const data = request.data.slice();  // a copy, moved to the worker
    this.worker.postMessage({ type: "run", id, filename: request.filename, data, options: request.options }, [data.buffer]);
    return answer;
  }

  async runOnServer(request) {
    let s = "";
    for (let i = 0; i < request.data.length; i += 0x8000) s += String.fromCharCode(...request.data.subarray(i, i + 0x8000));
    const body = { ...request.options, filename: request.filename, content_base64: btoa(s) };
    try {
      const response = await fetch("api/summary", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const answer = await response.json();
      return response.ok && !answer.error ? { ok: true, ...answer } : { ok: false, error: answer.error || `HTTP ${response.status}` };
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  }
}
