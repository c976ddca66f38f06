"""Pyodide's files: the pinned npm release, its checks, the cache, and the byte code Node makes.

Pyodide (CPython compiled to WebAssembly) comes from the npm registry's ``pyodide`` package,
pinned in :data:`PYODIDE`: the tarball's npm integrity (sha512) and the sha256 of each file
the page uses. :func:`fetch` (``nncalc serve --fetch-pyodide``, or ``python -m
nncalc.serve.assets fetch``) gets the tarball once (``npm pack``, or straight from the registry
when npm is missing), checks both before keeping anything, and keeps only the core files
(:data:`CORE_FILES`, about 13 MB) in :func:`cache_dir`. Nothing is fetched at run time and
never from a CDN: the page loads them from the server (or the static export).

Pyodide's standard library is sources only, and compiling them in WebAssembly is most of its
start-up: where Node is installed, :func:`compile_zips` has Pyodide itself (in Node, offline)
compile it once after the fetch (:data:`COMPILED_STDLIB`, see :mod:`nncalc.serve.bytecode`).
Without Node the page loads the sources (slower, same answers).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# The pin: `npm view pyodide@VERSION dist` gives the tarball and its integrity; the files'
# sha256 were taken from that verified tarball (`python -m nncalc.serve.assets pin VERSION`
# prints this block for another version).
PYODIDE = {
    "version": "314.0.8",
    "tarball": "https://registry.npmjs.org/pyodide/-/pyodide-314.0.8.tgz",
    "integrity": "sha512-74Wq1kXOC+CCEzAfxuRAO701nAcCMLjf8NrwvWpu8S41dVMXwXmLQ05dYB+F4e46AdnGo0oq7YHSVUpHsoarLQ==",
    "files": {
        "pyodide.mjs": "1bb8cc14f9405aaa7cd4e00c12edd0a8539de9cc026618d6ee5a9663f367dc70",
        "pyodide.asm.mjs": "22514b8be6980e28a02c8b1d6387ce8dfe666fc4edf8d547cff5dce29ff4d972",
        "pyodide.asm.wasm": "e14d49ceca9b4a0e274ea918f3a898de2d3880b6e5573a6cfe1a2267ecc70329",
        "python_stdlib.zip": "2bd3394a145bfbbe5bbc9d9d6ab9136abbb986c6fef6c142b3a2962227aa5c28",
        "pyodide-lock.json": "5dc2fc119108bc148c7457dc86e7675b5c87e1cafd420b9c34c1eaef7b36c010",
    },
}
CORE_FILES = tuple(PYODIDE["files"])
COMPILED_STDLIB = "python_stdlib.compiled.zip"  # made here from the checked python_stdlib.zip
HERE = Path(__file__).resolve().parent
FETCH_HINT = "nncalc serve --fetch-pyodide"


class AssetError(Exception):
    """Pyodide's files could not be fetched, checked or found (a one-line reason)."""


def cache_dir() -> Path:
    """Where Pyodide's files are kept: ``$NNCALC_PYODIDE_DIR``, else the user's cache."""
    if os.environ.get("NNCALC_PYODIDE_DIR"):
        return Path(os.environ["NNCALC_PYODIDE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nncalc" / f"pyodide-{PYODIDE['version']}"


def pyodide_dir() -> Path | None:
    """The directory holding every core file of the pinned Pyodide (checked when fetched), or None."""
    where = cache_dir()
    try:
        if json.loads((where / "verified.json").read_text(encoding="utf-8")).get("files") != PYODIDE["files"]:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    return where if all((where / name).is_file() for name in CORE_FILES) else None


def served_files(where: Path) -> dict:
    """Pyodide's files the page loads from ``where``: name -> sha256 (as checked, or as made);
    the compiled standard library instead of the sources when there is one."""
    files = dict(PYODIDE["files"])
    try:
        compiled = json.loads((where / "verified.json").read_text(encoding="utf-8")).get("compiled")
    except (OSError, ValueError):
        compiled = None
    if compiled and (where / COMPILED_STDLIB).is_file():
        del files["python_stdlib.zip"]
        files[COMPILED_STDLIB] = compiled
    return files


def missing_note() -> str:
    """The one line ``nncalc serve`` prints when Pyodide's files are not there."""
    return (f"nncalc: note: pasted code runs in the browser with Pyodide, whose files (13 MB, from "
            f"the npm registry) are not here: get them once with `{FETCH_HINT}`; until then the page "
            "reads model files through this server")


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _tarball(pin: dict, log) -> bytes:
    """The npm tarball of the pinned version: ``npm pack`` (the user's registry settings), else HTTPS."""
    npm = shutil.which("npm")
    if npm:
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run([npm, "pack", f"pyodide@{pin['version']}", "--pack-destination", tmp,
                                   "--silent"], capture_output=True, text=True, timeout=600, cwd=tmp)
            packed = list(Path(tmp).glob("*.tgz"))
            if done.returncode == 0 and packed:
                return packed[0].read_bytes()
            why = ((done.stderr or done.stdout).strip().splitlines() or ["?"])[-1]
            log(f"npm pack failed ({why}); downloading {pin['tarball']}")
    import urllib.request

    try:
        with urllib.request.urlopen(pin["tarball"], timeout=120) as response:
            return response.read()
    except OSError as error:
        raise AssetError(f"cannot download {pin['tarball']}: {error}") from None


def fetch(log=lambda line: print(line, file=sys.stderr)) -> Path:
    """Get, check and keep the pinned Pyodide's core files; return their directory."""
    where = pyodide_dir()
    if where is not None:
        if COMPILED_STDLIB not in served_files(where) and node():  # Node installed since
            _compile_stdlib(where, {"files": PYODIDE["files"]}, log)
        return where
    pin = PYODIDE
    log(f"fetching pyodide {pin['version']} from the npm registry ...")
    data = _tarball(pin, log)
    if _sri(data) != pin["integrity"]:
        raise AssetError(f"the pyodide {pin['version']} tarball does not match its pinned integrity "
                         "(a changed or damaged download); nothing was kept")
    contents = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name, digest in pin["files"].items():
            try:
                contents[name] = archive.extractfile(f"package/{name}").read()
            except (KeyError, AttributeError):
                contents[name] = b""
            if hashlib.sha256(contents[name]).hexdigest() != digest:
                raise AssetError(f"pyodide's {name} does not match its pinned sha256; nothing was kept")
    where = cache_dir()
    where.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        part = where / (name + ".part")
        part.write_bytes(content)
        os.replace(part, where / name)
    compiled = _compile_stdlib(where, {"files": pin["files"]}, log)
    log(f"pyodide {pin['version']}: {len(pin['files'])} files checked"
        + (", its standard library compiled" if compiled else "") + f", in {where}")
    return where


def _compile_stdlib(where: Path, record: dict, log) -> bool:
    """Make :data:`COMPILED_STDLIB` (when Node is here) and write ``verified.json``."""
    compiled = compile_zips([("stdlib", (where / "python_stdlib.zip").read_bytes())], where, log)
    if compiled:
        (where / COMPILED_STDLIB).write_bytes(compiled[0])
        record["compiled"] = hashlib.sha256(compiled[0]).hexdigest()
    (where / "verified.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return bool(compiled)


def node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def compile_zips(jobs: list, pyodide: Path, log=lambda line: None) -> list | None:
    """Each ``(where, zip bytes)`` with byte code of Pyodide's Python added (``where``: "stdlib",
    or the path the zip will have in Pyodide; see :mod:`nncalc.serve.bytecode`), or None when
    Node is missing or fails (the page then loads sources)."""
    exe = node()
    if exe is None:
        log("nncalc: note: no Node.js here, so Pyodide's byte code is not made: the page will start "
            "a few seconds slower (install nodejs and fetch again)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for i, (where, data) in enumerate(jobs):
            (Path(tmp) / f"in{i}.zip").write_bytes(data)
            args += [where, str(Path(tmp) / f"in{i}.zip"), str(Path(tmp) / f"out{i}.zip")]
        try:
            done = subprocess.run([exe, str(HERE / "pyodide_compile.mjs"), str(pyodide), str(HERE / "bytecode.py"),
                                   *args], capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.SubprocessError) as error:
            log(f"nncalc: note: compiling for Pyodide failed ({error}); the page loads sources")
            return None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            log(f"nncalc: note: compiling for Pyodide failed ({last}); the page loads sources")
            return None
        return [(Path(tmp) / f"out{i}.zip").read_bytes() for i in range(len(jobs))]


def pin(version: str) -> dict:
    """The :data:`PYODIDE` block of another version (its tarball's integrity as the registry states it)."""
    npm = shutil.which("npm") or "npm"
    dist = json.loads(subprocess.run([npm, "view", f"pyodide@{version}", "dist", "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    block = {"version": version, "tarball": dist["tarball"], "integrity": dist["integrity"], "files": {}}
    data = _tarball(block, lambda line: None)
    if _sri(data) != dist["integrity"]:
        raise AssetError("the tarball does not match the registry's integrity")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in CORE_FILES:
            block["files"][name] = hashlib.sha256(archive.extractfile(f"package/{name}").read()).hexdigest()
    return block
