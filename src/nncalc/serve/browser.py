"""nncalc inside the page: the Python side of ``calc-worker.js``, run by Pyodide (WebAssembly).

The page's Web Worker writes the pasted code (``model.py``) or the dropped file into
Pyodide's in-memory file system, in :data:`WORK_DIR`, and calls :func:`calculate` with the
request's options. It answers exactly what ``POST /api/summary`` answers (the same
:func:`nncalc.serve.worker.run`: ``nncalc summary``'s text, the JSON summary, the formats
asked for), as a JSON string. Nothing here touches the network: the browser's sandbox is the
boundary, and the code and the file never leave it. The page stops an endless script by
ending the Web Worker, so nncalc's own time limit is off (``--timeout 0``).
"""

from __future__ import annotations

import json
import os

WORK_DIR = "/tmp/nncalc"  # calc-worker.js writes the code or file here
OUTPUT_CHARS = 2_000_000


def _nested_models_not_expanded(record: list) -> None:
    """Watch ``Model.summary`` calls: ``record`` gets the names of models with nested models whose
    call did not expand them (the script's own ``model.summary()``, with its own arguments)."""
    from nncalc.core.model import Model

    original = Model.summary

    def summary(self, *args, **kwargs):
        expand = kwargs.get("expand_nested", args[3] if len(args) > 3 else False)
        if not expand and any(getattr(layer, "layers", None) for layer in self.layers):
            record.append(self.name)
        return original(self, *args, **kwargs)

    Model.summary = summary
    return original


def warm() -> None:
    """Import what a calculation imports (nncalc's modules, the serve entry points, the standard
    modules they load lazily), then collect garbage: the state a memory snapshot keeps, so that
    the page's first calculation imports nothing (see nncalc/serve/pyodide_snapshot.mjs)."""
    import gc
    import importlib
    import pkgutil

    import nncalc

    for info in pkgutil.walk_packages(nncalc.__path__, "nncalc."):
        if info.name.startswith("nncalc.serve") or info.name == "nncalc.__main__":
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional dependency the browser has not (h5py)
            pass
    for name in ("nncalc.serve.worker", "argparse", "zipfile", "csv", "html", "fractions", "decimal",
                 "statistics", "traceback", "inspect", "textwrap", "unicodedata"):
        importlib.import_module(name)
    gc.collect()


def calculate(filename: str, options_json: str) -> str:
    """Summarize ``WORK_DIR/filename`` (a script or a model file) as the API would; a JSON answer.

    When "Expand nested models" is on but the script printed its own summary of a model with
    nested models, the answer's ``notes`` say why the table is not expanded.
    """
    from nncalc.core.model import Model

    from .worker import run

    options = dict(json.loads(options_json), timeout=0)
    os.chdir(WORK_DIR)
    unexpanded: list = []
    original = _nested_models_not_expanded(unexpanded) if options.get("expand_nested") else None
    try:
        answer = run(filename, options, OUTPUT_CHARS)
    finally:
        if original is not None:
            Model.summary = original
    if unexpanded and answer.get("ok"):
        answer["notes"] = [{"kind": "expand_nested_in_script", "models": sorted(set(unexpanded))}]
    if not answer.get("ok"):
        answer["error"] = _in_browser_wording(answer.get("error") or "")
    return json.dumps(answer)


def _in_browser_wording(error: str) -> str:
    """A module the browser's Python has not (numpy, ...): say so, and where the script works."""
    import re

    missing = re.search(r"ModuleNotFoundError: No module named '([\w.]+)'$", error)
    if missing:
        error += (f" (the in-browser calculator has Python's standard library and nncalc's Keras API, "
                  f"not {missing.group(1).split('.')[0]}: run this script with `nncalc summary`)")
    return error
