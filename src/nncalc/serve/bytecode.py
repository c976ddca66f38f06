"""Compile zips of Python sources to byte code, run by Pyodide's own Python (in Node).

    node pyodide_compile.mjs PYODIDE_DIR bytecode.py WHERE IN.zip OUT.zip [WHERE IN OUT ...]

Pyodide's ``python_stdlib.zip`` holds only sources, and Pyodide writes no byte code: each
module the page imports is compiled from source in WebAssembly, which is most of Pyodide's
start-up (about 4 s of 5 on the shared machine). Compiled once, by the very Python that will
load them (the byte code format is the interpreter's), the same modules load in about half
the time. Both kinds of zip are imported from the zip itself (``zipimport``, which looks for
``x.pyc`` beside ``x.py``, not in ``__pycache__``). The ``.pyc`` files are PEP 552 *unchecked
hash* pycs: used as they are, with no source timestamps to compare (zip entries have none that
match). ``zipimport`` does not rename code objects, so each is compiled with the file name its
module will have, ``WHERE/x.py`` (tracebacks, and nncalc's "whose code is this" rule, see the
true path):

* ``WHERE`` = ``stdlib``: the standard library's zip (its path on ``sys.path``): each ``x.py``
  becomes ``x.pyc`` (the sources stay out, halving the size);
* ``WHERE`` = a path (where the page puts a wheel, e.g. ``/lib/wheels/nncalc-....whl``): the
  sources stay (for tracebacks) and ``x.pyc`` is added beside each.

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


def compile_zip(where: str, source_zip: str, target_zip: str) -> int:
    """Write ``target_zip``; return how many modules were compiled."""
    stdlib = where == "stdlib"
    if stdlib:
        where = next(p for p in sys.path if p.endswith(".zip"))
    compiled = 0
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(target_zip, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            name = info.filename
            try:
                pyc = _pyc(data, f"{where}/{name}") if name.endswith(".py") else None
            except SyntaxError:  # test data written to fail: kept as source
                pyc = None
            if pyc is None or not stdlib:
                target.writestr(_entry(name, info.date_time), data)
            if pyc is not None:
                target.writestr(_entry(name[:-3] + ".pyc", info.date_time), pyc)
                compiled += 1
    return compiled


if __name__ == "__main__":
    args = sys.argv[1:]
    for where, source_zip, target_zip in zip(args[::3], args[1::3], args[2::3]):
        compile_zip(where, source_zip, target_zip)
