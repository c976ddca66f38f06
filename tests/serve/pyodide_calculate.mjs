// Run nncalc.serve.browser.calculate in Pyodide under Node, as the page's worker does:
//   node pyodide_calculate.mjs < {"pyodide": DIR, "stdlib": NAME, "wheels": [{path, unpack}...],
//                                  "files": [PATH...], "options": {...}}
// prints one JSON answer per file, in order (a JSON list).
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const request = JSON.parse(readFileSync(0, "utf8"));
const dir = resolve(request.pyodide) + "/";
const { loadPyodide } = await import(pathToFileURL(join(dir, "pyodide.mjs")).href);
const python = await loadPyodide({ indexURL: dir, stdLibURL: join(dir, request.stdlib), packageCacheDir: dir });
const site = python.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const { path, unpack } of request.wheels) {  // as the page's worker does (assets.json)
  if (unpack) python.unpackArchive(new Uint8Array(readFileSync(path)), "wheel", { extractDir: site });
  else {
    python.FS.mkdirTree("/lib/wheels");
    python.FS.writeFile(`/lib/wheels/${basename(path)}`, new Uint8Array(readFileSync(path)));
    python.runPython(`import sys; sys.path.append("/lib/wheels/${basename(path)}")`);
  }
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
