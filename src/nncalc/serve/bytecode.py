"""Compile a zip of Python sources to byte code, run by Pyodide's own Python (in Node).

    node pyodide_compile.mjs PYODIDE_DIR bytecode.py stdlib|wheel IN.zip OUT.zip [IN OUT ...]

Pyodide's ``python_stdlib.zip`` holds only sources, and Pyodide writes no byte code: each
module the page imports is compiled from source in WebAssembly, which is most of Pyodide's
start-up (about 4 s of 5 on the shared machine). Compiled once, by the very Python that will
load them (the byte code format is the interpreter's), the same modules load in about half
the time. The ``.pyc`` files are PEP 552 *unchecked hash* pycs: they are used as they are, with
no source timestamps to compare (zip entries and unpacked wheels have none that match).

* ``stdlib``: every ``x.py`` becomes ``x.pyc`` at the same place (``zipimport`` reads those; the
  sources stay out, halving the size), compiled with the file name the module will have
  (``/lib/python3XY.zip/...``), so tracebacks and nncalc's "whose code is this" rule still see
  the standard library.
* ``wheel``: the sources stay and ``__pycache__/x.cpython-3XY.pyc`` is added beside each.

Runs inside Pyodide only (it writes byte code of that interpreter); standard library only.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc


def _pyc(source: bytes, filename: str) -> bytes:
    code = compile(source, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


def _entry(name: str, date_time) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def compile_zip(mode: str, source_zip: str, target_zip: str, site_packages: str) -> int:
    """Write ``target_zip``; return how many modules were compiled."""
    tag = sys.implementation.cache_tag  # e.g. cpython-314
    stdlib_root = next(p for p in sys.path if p.endswith(".zip"))
    compiled = 0
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(target_zip, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename
            if not name.endswith(".py"):
                target.writestr(_entry(name, info.date_time), data)
                continue
            if mode == "stdlib":
                try:
                    pyc = _pyc(data, f"{stdlib_root}/{name}")
                except SyntaxError:  # test data written to fail: kept as source
                    target.writestr(_entry(name, info.date_time), data)
                    continue
                target.writestr(_entry(name[:-3] + ".pyc", info.date_time), pyc)
            else:
                target.writestr(_entry(name, info.date_time), data)
                folder, _, base = name.rpartition("/")
                cached = f"{folder}/__pycache__/{base[:-3]}.{tag}.pyc" if folder else f"__pycache__/{base[:-3]}.{tag}.pyc"
                target.writestr(_entry(cached, info.date_time), _pyc(data, f"{site_packages}/{name}"))
            compiled += 1
    return compiled


if __name__ == "__main__":
    import sysconfig

    mode, names = sys.argv[1], sys.argv[2:]
    for source_zip, target_zip in zip(names[::2], names[1::2]):
        compile_zip(mode, source_zip, target_zip, sysconfig.get_paths()["purelib"])
