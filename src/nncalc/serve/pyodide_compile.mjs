// Run nncalc/serve/bytecode.py inside Pyodide, in Node (see that module's docstring):
//   node pyodide_compile.mjs PYODIDE_DIR BYTECODE_PY stdlib|wheel IN.zip OUT.zip [IN.zip OUT.zip ...]
// Only these files are read and written; Pyodide loads from PYODIDE_DIR, offline.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, script, mode, ...files] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(resolve(dir), "pyodide.mjs")).href);
const python = await loadPyodide({ indexURL: resolve(dir) + "/", packageCacheDir: resolve(dir) + "/" });
const argv = ["bytecode.py", mode === "stdlib" ? "stdlib" : "wheel"];
for (let i = 0; i + 1 < files.length; i += 2) {
  python.FS.writeFile(`/tmp/in${i}.zip`, readFileSync(files[i]));
  argv.push(`/tmp/in${i}.zip`, `/tmp/out${i}.zip`);
}
python.globals.set("compile_argv", python.toPy(argv));
python.runPython("import sys; sys.argv = list(compile_argv)");
python.runPython(readFileSync(script, "utf8"), { filename: "bytecode.py" });
for (let i = 0; i + 1 < files.length; i += 2) writeFileSync(files[i + 1], python.FS.readFile(`/tmp/out${i}.zip`));
