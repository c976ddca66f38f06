"""The Python the page runs: nncalc and rich as wheels, and a memory snapshot with nncalc imported.

nncalc's own code and rich (its one dependency, which draws the rare tables nncalc's plain
writer leaves to it) are zipped from the installed packages by :func:`build_wheel` with the
standard library (a wheel is a zip with ``METADATA``, ``WHEEL`` and ``RECORD``). The page puts
them on Pyodide's ``sys.path`` as they are (``zipimport``): nothing to unpack, no micropip, no
package index. Where Node is installed, nncalc's wheel gets byte code compiled by Pyodide
(:func:`prepared_wheels`) and :func:`prepared_snapshot` saves Pyodide's memory with nncalc
imported, which the page restores instead of starting Python; both are cached by content.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .pyodide_release import COMPILED_STDLIB, HERE, PYODIDE, compile_zips, node, served_files

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
    files.append((f"{info}/WHEEL", (b"Wheel-Version: 1.0\nGenerator: nncalc.serve.wheels\n"
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


def prepared_wheels(pyodide: Path | None, log=lambda line: None) -> dict:
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
        made = compile_zips([(f"{WHEELS_IN_PYODIDE}/{name}", compiled[name]) for name in todo], pyodide, log)
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


def prepared_snapshot(pyodide: Path | None, wheels: dict, log=lambda line: None) -> tuple[str, bytes] | None:
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
            except (OSError, subprocess.SubprocessError) as error:
                log(f"nncalc: note: Pyodide's memory snapshot could not be made ({error}); the page "
                    "starts Python itself (slower)")
                return None
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["?"])[-1]
                log(f"nncalc: note: Pyodide's memory snapshot could not be made ({last}); the page "
                    "starts Python itself (slower)")
                return None
            path.parent.mkdir(exist_ok=True)
            for old in path.parent.glob("snapshot-*"):  # an older nncalc's
                old.unlink(missing_ok=True)
            os.replace(Path(tmp) / name, path)
    return name, path.read_bytes()
