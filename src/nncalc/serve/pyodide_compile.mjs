// Run nncalc/serve/bytecode.py inside Pyodide, in Node (see that module's docstring):
//   node pyodide_compile.mjs PYODIDE_DIR BYTECODE_PY WHERE IN.zip OUT.zip [WHERE IN.zip OUT.zip ...]
// Only these files are read and written; Pyodide loads from PYODIDE_DIR, offline.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, script, ...jobs] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(resolve(dir), "pyodide.mjs")).href);
const python = await loadPyodide({ indexURL: resolve(dir) + "/", packageCacheDir: resolve(dir) + "/" });
const argv = ["bytecode.py"];
for (let i = 0; i + 2 < jobs.length; i += 3) {
  python.FS.writeFile(`/tmp/in${i}.zip`, new Uint8Array(readFileSync(jobs[i + 1])));
  argv.push(jobs[i], `/tmp/in${i}.zip`, `/tmp/out${i}.zip`);
}
python.globals.set("compile_argv", python.toPy(argv));
python.runPython("import sys; sys.argv = list(compile_argv)");
python.runPython(readFileSync(script, "utf8"), { filename: "bytecode.py" });
for (let i = 0; i + 2 < jobs.length; i += 3) writeFileSync(jobs[i + 2], python.FS.readFile(`/tmp/out${i}.zip`));
