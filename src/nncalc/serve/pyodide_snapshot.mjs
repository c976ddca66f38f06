// A memory snapshot of Pyodide with nncalc imported, made in Node (offline) for the page:
//   node pyodide_snapshot.mjs PYODIDE_DIR STDLIB_NAME WHEELS_DIR OUT.gz WHEEL.whl [WHEEL.whl ...]
// Python starts, the wheels are put in WHEELS_DIR and on sys.path as the page's worker puts them,
// nncalc.serve.browser.warm() imports nncalc, and the WebAssembly memory is written, gzipped.
// The page restores it instead of starting Python and importing nncalc again (see nncalc/serve/wheels.py).
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [dir, stdlib, wheelsDir, output, ...wheels] = process.argv.slice(2);
const base = resolve(dir) + "/";
const { loadPyodide } = await import(pathToFileURL(join(base, "pyodide.mjs")).href);
const python = await loadPyodide({ indexURL: base, stdLibURL: base + stdlib, packageCacheDir: base,
  env: { HOME: "/home/pyodide" }, _makeSnapshot: true });
python.FS.mkdirTree(wheelsDir);
const paths = wheels.map((wheel) => {
  const path = `${wheelsDir}/${basename(wheel)}`;
  python.FS.writeFile(path, new Uint8Array(readFileSync(wheel)));
  return path;
});
python.runPython(`import sys; sys.path += ${JSON.stringify(paths)}; import nncalc.serve.browser as b; b.warm()`);
writeFileSync(output, gzipSync(python.makeMemorySnapshot(), { level: 6 }));
