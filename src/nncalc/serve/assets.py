"""What the page needs to run nncalc in the browser: Pyodide's files and Python wheels.

* **Pyodide** (CPython compiled to WebAssembly) comes from the npm registry's ``pyodide``
  package, pinned in :data:`PYODIDE`: the tarball's npm integrity (sha512) and the sha256 of
  each file the page uses. :func:`fetch` (``nncalc serve --fetch-pyodide``, or
  ``python -m nncalc.serve.assets fetch``) gets the tarball once (``npm pack``, or straight
  from the registry when npm is missing), checks both, and keeps only the core files
  (:data:`CORE_FILES`, about 13 MB) in :func:`cache_dir`. Nothing is fetched at run time
  and never from a CDN: the page loads them from the server (or the static export).
* **Byte code and a snapshot.** Pyodide's standard library is sources only, and compiling them
  in WebAssembly is most of its start-up; where Node is installed, :func:`compile_zips` has
  Pyodide itself (in Node, offline) compile the standard library once after the fetch
  (:data:`COMPILED_STDLIB`) and the wheels when they change (cached by content), see
  :mod:`nncalc.serve.bytecode`; :func:`prepared_snapshot` then saves Pyodide's memory with
  nncalc imported, which the page restores. Without Node the page loads the sources (slower,
  same answers).
* **Wheels**: nncalc's own code and rich (its one dependency, which draws the rare tables
  nncalc's plain writer leaves to it) are zipped from the installed packages by
  :func:`build_wheel` with the standard library (a wheel is a zip with ``METADATA``,
  ``WHEEL`` and ``RECORD``). The page puts them on Pyodide's ``sys.path`` as they are
  (``zipimport``): nothing to unpack, no micropip, no package index.
* :func:`manifest` tells the page where all of it is (``assets.json``); :func:`export` writes
  the page, Pyodide and the wheels as static files; :class:`Assets` serves them for
  :mod:`nncalc.serve.server`.
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
import threading
import zipfile
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
CONTENT_TYPES = {".mjs": "text/javascript; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".wasm": "application/wasm", ".zip": "application/zip", ".whl": "application/zip",
                 ".json": "application/json; charset=utf-8", ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".py": "text/plain; charset=utf-8"}
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
FETCH_HINT = "nncalc serve --fetch-pyodide"
# The Web Worker's own policy (a worker follows its script's, not the page's): Pyodide needs eval
# (its generated glue) and WebAssembly; nothing may be fetched from another origin, so code
# that arrives in a permalink cannot send anything elsewhere from a page `nncalc serve` serves.
WORKER_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; "
                 "connect-src 'self'; object-src 'none'")


class AssetError(Exception):
    """Pyodide's files could not be fetched, checked or found (a one-line reason)."""


# ---------------------------------------------------------------------------- Pyodide's files
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


# ---------------------------------------------------------------------------- wheels
def _package_files(package_dir: Path, skip=()):
    """(path in the wheel, file) for every file of a package, without byte code."""
    for path in sorted(package_dir.rglob("*")):
        rel = path.relative_to(package_dir.parent).as_posix()
        if (path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc"
                or any(rel.startswith(prefix) for prefix in skip)):
            continue
        yield rel, path


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode("ascii").rstrip("=")


def build_wheel(module: str) -> tuple[str, bytes]:
    """A pure-Python wheel of an installed package (``nncalc`` or ``rich``): (file name, bytes).

    Deterministic (sorted names, fixed dates), so the same code gives the same bytes. nncalc's
    page files (``serve/static``) stay out: Python in the browser does not need them.
    """
    from importlib import import_module, metadata

    package = import_module(module)
    package_dir = Path(package.__file__).resolve().parent
    try:
        version = metadata.version(module)
    except metadata.PackageNotFoundError:
        version = getattr(package, "__version__", "0")
    skip = (f"{module}/serve/static/",) if module == "nncalc" else ()
    files = [(rel, path.read_bytes()) for rel, path in _package_files(package_dir, skip)]
    info = f"{module}-{version}.dist-info"
    try:  # the package's licence travels with it
        for entry in metadata.distribution(module).files or ():
            if entry.name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
                files.append((f"{info}/licenses/{entry.name}", Path(entry.locate()).read_bytes()))
    except (metadata.PackageNotFoundError, OSError):
        pass
    files.append((f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {module}\nVersion: {version}\n".encode()))
    files.append((f"{info}/WHEEL", (b"Wheel-Version: 1.0\nGenerator: nncalc.serve.assets\n"
                                    b"Root-Is-Purelib: true\nTag: py3-none-any\n")))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return f"{module}-{version}-py3-none-any.whl", buffer.getvalue()


WHEEL_MODULES = ("nncalc", "rich")
COMPILED_WHEELS = ("nncalc",)  # rich is imported only for rare tables: its sources suffice
# Where the page's worker puts the wheels in Pyodide's file system; each goes onto sys.path as
# it is (zipimport): nothing is unpacked at page load. nncalc reads no data file of its own
# at run time, so it runs from the zip (the Pyodide parity test runs it so).
WHEELS_IN_PYODIDE = "/lib/wheels"


def prepared_wheels(pyodide: Path | None) -> dict:
    """{file name: bytes} of the wheels the page loads: byte code added when Pyodide and Node are
    here (kept in the cache by the source wheel's hash, so only changed code is compiled)."""
    wheels = {module: build_wheel(module) for module in WHEEL_MODULES}
    plain = dict(wheels.values())
    if pyodide is None:
        return plain
    cache = pyodide / "wheels"
    compiled = {name: data for module, (name, data) in wheels.items() if module in COMPILED_WHEELS}
    keys = {name: hashlib.sha256(data + WHEELS_IN_PYODIDE.encode()).hexdigest()[:20]
            for name, data in compiled.items()}
    todo = [name for name in compiled if not (cache / f"{keys[name]}-{name}").is_file()]
    if todo:
        made = compile_zips([(f"{WHEELS_IN_PYODIDE}/{name}", compiled[name]) for name in todo], pyodide)
        if made is None:
            return plain
        cache.mkdir(exist_ok=True)
        for name, data in zip(todo, made):
            for old in cache.glob(f"*-{name}"):  # an older nncalc's
                old.unlink(missing_ok=True)
            part = cache / f"{keys[name]}-{name}.{os.getpid()}.part"
            part.write_bytes(data)
            os.replace(part, cache / f"{keys[name]}-{name}")
    return {name: (cache / f"{keys[name]}-{name}").read_bytes() if name in keys else data
            for name, data in plain.items()}


# ---------------------------------------------------------------------------- the page's view
def snapshot_url(name: str, data: bytes) -> str:
    return f"py/{name}"  # its name holds the hash of what it was made from


def prepared_snapshot(pyodide: Path | None, wheels: dict) -> tuple[str, bytes] | None:
    """(file name, gzipped bytes) of a memory snapshot of Pyodide with ``wheels`` on its path and
    nncalc imported (``pyodide_snapshot.mjs``, in Node), or None without Node or byte code.

    The page restores it instead of starting Python and importing nncalc (about 3× faster on
    the shared machine). It belongs to exactly these wheels (zipimport keeps where each module
    lies in them) and this Pyodide, so it is cached by their hashes and made again when they
    change.
    """
    if pyodide is None or node() is None or COMPILED_STDLIB not in served_files(pyodide):
        return None
    key = hashlib.sha256(json.dumps([PYODIDE["files"], served_files(pyodide)[COMPILED_STDLIB],
                                     sorted((name, hashlib.sha256(data).hexdigest())
                                            for name, data in wheels.items())]).encode()).hexdigest()[:20]
    name = f"snapshot-{key}.bin.gz"
    path = pyodide / "snapshots" / name
    if not path.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            for wheel, data in wheels.items():
                (Path(tmp) / wheel).write_bytes(data)
            try:
                done = subprocess.run([node(), str(HERE / "pyodide_snapshot.mjs"), str(pyodide), COMPILED_STDLIB,
                                       WHEELS_IN_PYODIDE, str(Path(tmp) / name), *(str(Path(tmp) / w) for w in wheels)],
                                      capture_output=True, text=True, timeout=600)
            except (OSError, subprocess.SubprocessError):
                return None
            if done.returncode != 0:
                return None
            path.parent.mkdir(exist_ok=True)
            for old in path.parent.glob("snapshot-*"):  # an older nncalc's
                old.unlink(missing_ok=True)
            os.replace(Path(tmp) / name, path)
    return name, path.read_bytes()


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
            self._wheels = prepared_wheels(self.pyodide)
        except Exception:  # noqa: BLE001 - a broken compile step: plain wheels still work
            self._wheels = dict(build_wheel(module) for module in WHEEL_MODULES)
        try:
            self._snapshot = prepared_snapshot(self.pyodide, self._wheels)
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
                            snapshot=snapshot and snapshot_url(*snapshot))
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
    wheels = prepared_wheels(source)
    for name, data in wheels.items():
        (out / "py" / name).write_bytes(data)
    snapshot = prepared_snapshot(source, wheels)
    if snapshot:
        (out / "py" / snapshot[0]).write_bytes(snapshot[1])
    (out / "assets.json").write_text(json.dumps(manifest(wheels, files, api=False,
                                                         snapshot=snapshot and snapshot_url(*snapshot)),
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
