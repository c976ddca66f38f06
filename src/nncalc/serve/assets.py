"""What ``nncalc serve`` adds to the page, and the page as static files.

* :func:`manifest` (``assets.json``) tells the page where Pyodide's files
  (:mod:`nncalc.serve.pyodide_release`), the wheels and the memory snapshot
  (:mod:`nncalc.serve.wheels`) are, and whether a server API exists;
* :class:`Assets` serves them (and the page's modules) for :mod:`nncalc.serve.server`;
* :func:`export` writes the page, Pyodide and the wheels as static files (``nncalc serve
  --export DIR``) that any static host serves with nothing else running.

``python -m nncalc.serve.assets fetch | export DIR | pin VERSION``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from .pyodide_release import (COMPILED_STDLIB, FETCH_HINT, HERE, PYODIDE, AssetError, fetch, missing_note,
                            pin, pyodide_dir, served_files)
from .wheels import WHEEL_MODULES, WHEELS_IN_PYODIDE, build_wheel, prepared_snapshot, prepared_wheels

__all__ = ["Assets", "export", "manifest", "missing_note", "prepare"]

CONTENT_TYPES = {".mjs": "text/javascript; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".wasm": "application/wasm", ".zip": "application/zip", ".whl": "application/zip",
                 ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".py": "text/plain; charset=utf-8"}
STATIC = HERE / "static"
# The Web Worker's own policy (a worker follows its script's, not the page's): Pyodide needs eval
# (its generated glue) and WebAssembly; nothing may be fetched from another origin, so code
# that arrives in a permalink cannot send anything elsewhere from a page `nncalc serve` serves.
WORKER_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
                 "connect-src 'self'; object-src 'none'")


def manifest(wheels: dict, pyodide_files: dict | None, api: bool, snapshot: str | None = None) -> dict:
    """``assets.json``: where the page finds Pyodide and the wheels, and whether a server API exists.

    ``wheels`` maps file names to their bytes (each URL carries a hash of its content, so a
    static host's cache never serves an old wheel with a new page; the page puts them in
    ``wheels_dir`` and on ``sys.path``); ``pyodide_files`` are the Pyodide files served
    (:func:`served_files`), None without them; ``snapshot``: the URL of
    :func:`prepared_snapshot`'s file, if any.
    """
    return {
        "pyodide": {"version": PYODIDE["version"], "url": "pyodide/",
                    "stdlib": COMPILED_STDLIB if COMPILED_STDLIB in pyodide_files else "python_stdlib.zip"}
                   if pyodide_files else None,
        "wheels": [f"py/{name}?v={hashlib.sha256(data).hexdigest()[:12]}" for name, data in wheels.items()],
        "wheels_dir": WHEELS_IN_PYODIDE,
        "snapshot": snapshot,
        "api": api,
        "fetch_hint": FETCH_HINT,
    }


def _note(line: str) -> None:
    print(line, file=sys.stderr)


class Assets:
    """The files ``nncalc serve`` adds to the page: ``assets.json``, ``pyodide/*``, ``py/*.whl``
    and the page's modules that the server's own table does not list.

    The wheels are made in a background thread from the code this server runs (a few seconds
    the first time byte code is compiled; then from the cache); requests for them wait for it.
    """

    _UNSET = object()

    def __init__(self, pyodide=_UNSET):
        self.pyodide = pyodide_dir() if pyodide is Assets._UNSET else pyodide
        self.files = served_files(self.pyodide) if self.pyodide else {}
        self._wheels: dict = {}
        self._snapshot = None
        self._thread = threading.Thread(target=self._prepare, name="nncalc-wheels", daemon=True)
        self._thread.start()

    def _prepare(self):
        try:
            self._wheels = prepared_wheels(self.pyodide, log=_note)
        except Exception:  # noqa: BLE001 - a broken compile step: plain wheels still work
            self._wheels = dict(build_wheel(module) for module in WHEEL_MODULES)
        try:
            self._snapshot = prepared_snapshot(self.pyodide, self._wheels, log=_note)
        except Exception:  # noqa: BLE001 - without a snapshot the page starts Python itself
            self._snapshot = None

    def wheels(self) -> dict:
        self._thread.join()
        return self._wheels

    def snapshot(self):
        """(file name, bytes) of the memory snapshot, or None."""
        self._thread.join()
        return self._snapshot

    def get(self, path: str):
        """(bytes, content type[, extra headers]) for a URL path this module serves, else None."""
        if path == "/assets.json":
            snapshot = self.snapshot()
            data = manifest(self.wheels(), self.files or None, api=True,
                            snapshot=snapshot and f"py/{snapshot[0]}")
            return json.dumps(data).encode(), CONTENT_TYPES[".json"]
        if path.startswith("/pyodide/") and path[len("/pyodide/"):] in self.files:
            name = path[len("/pyodide/"):]
            return (self.pyodide / name).read_bytes(), CONTENT_TYPES[os.path.splitext(name)[1]]
        if path.startswith("/py/"):
            data = self.wheels().get(path[len("/py/"):])
            if data is not None:
                return data, CONTENT_TYPES[".whl"]
            snapshot = self.snapshot()
            if snapshot and path == f"/py/{snapshot[0]}":
                return snapshot[1], "application/octet-stream"
        if path[1:] in PAGE_FILES:
            extra = [("Content-Security-Policy", WORKER_POLICY)] if path == "/calc-worker.js" else []
            return (STATIC / path[1:]).read_bytes(), CONTENT_TYPES[os.path.splitext(path)[1]], extra
        return None


# ---------------------------------------------------------------------------- static export
PAGE_FILES = ("index.html", "style.css", "example.py", "app.js", "format.js", "diagram.js", "editor.js",
              "runner.js", "keras-zip.js", "calc-worker.js")


def export(out: Path, log=lambda line: print(line, file=sys.stderr)) -> Path:
    """Write the page as static files (any static host serves them; nothing else runs)."""
    source = pyodide_dir()
    if source is None:
        raise AssetError(f"Pyodide's files are not here; get them once with `{FETCH_HINT}` "
                         "(or add --fetch-pyodide)")
    out = Path(out)
    (out / "pyodide").mkdir(parents=True, exist_ok=True)
    (out / "py").mkdir(exist_ok=True)
    for name in PAGE_FILES:
        shutil.copyfile(STATIC / name, out / name)
    files = served_files(source)
    for name, digest in files.items():
        data = (source / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise AssetError(f"{source / name} has changed since it was checked; fetch again")
        (out / "pyodide" / name).write_bytes(data)
    wheels = prepared_wheels(source, log)
    for name, data in wheels.items():
        (out / "py" / name).write_bytes(data)
    snapshot = prepared_snapshot(source, wheels, log)
    if snapshot:
        (out / "py" / snapshot[0]).write_bytes(snapshot[1])
    (out / "assets.json").write_text(json.dumps(manifest(wheels, files, api=False,
                                                         snapshot=snapshot and f"py/{snapshot[0]}"),
                                                indent=1) + "\n", encoding="utf-8")
    # Hosts that read a `_headers` file (Netlify, Cloudflare Pages) give the worker its policy.
    (out / "_headers").write_text(f"/calc-worker.js\n  Content-Security-Policy: {WORKER_POLICY}\n",
                                  encoding="utf-8")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    log(f"nncalc: the web calculator is in {out} ({size / 1e6:.1f} MB): serve it with any static "
        f"file server, e.g. `python -m http.server -d {out}`")
    return out


def prepare(fetch_pyodide: bool = False, export_dir: str | None = None) -> int:
    """``nncalc serve --fetch-pyodide`` / ``--export DIR``: 0, or 2 after a one-line error."""
    try:
        if fetch_pyodide:
            fetch()
        if export_dir:
            export(Path(export_dir))
    except (AssetError, OSError, subprocess.SubprocessError) as error:
        print(f"nncalc: error: {error}", file=sys.stderr)
        return 2
    return 0


def main(argv=None) -> int:
    """``python -m nncalc.serve.assets fetch | export DIR | pin VERSION``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["fetch"] or (argv[:1] == ["export"] and len(argv) == 2):
        return prepare(fetch_pyodide=argv[0] == "fetch", export_dir=argv[1] if len(argv) == 2 else None)
    if argv[:1] == ["pin"] and len(argv) == 2:
        try:
            print(json.dumps(pin(argv[1]), indent=4))
        except (AssetError, OSError, subprocess.SubprocessError) as error:
            print(f"nncalc: error: {error}", file=sys.stderr)
            return 2
        return 0
    print("usage: python -m nncalc.serve.assets fetch | export DIR | pin VERSION", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
