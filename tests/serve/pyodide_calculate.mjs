// Run nncalc.serve.browser.calculate in Pyodide under Node, as the page's worker does:
//   node pyodide_calculate.mjs < {"pyodide": DIR, "stdlib": NAME, "wheels": [PATH...], "wheels_dir": DIR,
//                                  "snapshot": PATH.gz or null,
//                                  "files": [PATH...], "options": {...}}
// prints one JSON answer per file, in order (a JSON list).
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const request = JSON.parse(readFileSync(0, "utf8"));
const dir = resolve(request.pyodide) + "/";
const { loadPyodide } = await import(pathToFileURL(join(dir, "pyodide.mjs")).href);
const snapshot = request.snapshot ? { _loadSnapshot: new Uint8Array(gunzipSync(readFileSync(request.snapshot))) } : {};
const python = await loadPyodide({ indexURL: dir, stdLibURL: join(dir, request.stdlib), packageCacheDir: dir,
  env: { HOME: "/home/pyodide" }, ...snapshot });
python.FS.mkdirTree(request.wheels_dir);  // as the page's worker does (assets.json)
for (const path of request.wheels) {
  python.FS.writeFile(`${request.wheels_dir}/${basename(path)}`, new Uint8Array(readFileSync(path)));
  python.runPython(`import sys; p = "${request.wheels_dir}/${basename(path)}"; p in sys.path or sys.path.append(p)`);
}
const { calculate, WORK_DIR } = Object.fromEntries(["calculate", "WORK_DIR"].map(
  (name) => [name, python.pyimport("nncalc.serve.browser")[name]]));
python.FS.mkdirTree(WORK_DIR);
const answers = [];
for (const file of request.files) {
  const name = basename(file);
  python.FS.writeFile(`${WORK_DIR}/${name}`, new Uint8Array(readFileSync(file)));
  answers.push(JSON.parse(calculate(name, JSON.stringify(request.options))));
  python.FS.unlink(`${WORK_DIR}/${name}`);
}
process.stdout.write(JSON.stringify(answers));
