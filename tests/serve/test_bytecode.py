"""nncalc.serve.bytecode, run by Pyodide's own Python in Node (nncalc.serve.assets.compile_zips):
unchecked-hash pycs (PEP 552) where Pyodide's importers look for them — ``__pycache__`` in a
wheel, in place of the sources in the standard library's zip. (That the page then loads and
answers from them is what tests/serve/test_browser.py checks.)"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from nncalc.serve import assets


@pytest.fixture(scope="module")
def pyodide(pyodide_files):
    if assets.node() is None:
        pytest.skip("no Node.js here: the page loads Pyodide's sources")
    return pyodide_files


SOURCES = {"pkg/__init__.py": b"VALUE = 6 * 7\n", "pkg/mod.py": b"def f():\n    return __file__\n",
           "pkg/data.json": b"{}", "pkg/broken.py": b"def (:\n"}


def zipped(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def header(pyc: bytes) -> tuple[bytes, int]:
    """(magic number, PEP 552 flags): flags 1 = hash-based, not checked against the source."""
    return pyc[:4], struct.unpack("<I", pyc[4:8])[0]


def test_wheel_and_stdlib_modes(pyodide):
    sources = {k: v for k, v in SOURCES.items() if k != "pkg/broken.py"}
    wheel, stdlib = (assets.compile_zips("wheel", [zipped(sources)], pyodide)[0],
                     assets.compile_zips("stdlib", [zipped(SOURCES)], pyodide)[0])
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        names = set(archive.namelist())
        tag = next(n for n in names if n.startswith("pkg/__pycache__/__init__.")).split(".")[1]
        assert tag.startswith("cpython-3")
        assert names == set(sources) | {f"pkg/__pycache__/__init__.{tag}.pyc", f"pkg/__pycache__/mod.{tag}.pyc"}
        magic, flags = header(archive.read(f"pkg/__pycache__/mod.{tag}.pyc"))
    assert flags == 1
    with zipfile.ZipFile(io.BytesIO(stdlib)) as archive:
        names = set(archive.namelist())
        assert names == {"pkg/__init__.pyc", "pkg/mod.pyc", "pkg/data.json", "pkg/broken.py"}  # sources out
        assert header(archive.read("pkg/mod.pyc")) == (magic, 1)


def test_compiled_stdlib_was_made_from_the_checked_sources(pyodide):
    files = assets.served_files(pyodide)
    if assets.COMPILED_STDLIB not in files:
        pytest.skip("the standard library was fetched without Node")
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as source, \
            zipfile.ZipFile(pyodide / assets.COMPILED_STDLIB) as compiled:
        modules = {n[:-3] for n in source.namelist() if n.endswith(".py")}
        pycs = {n[:-4] for n in compiled.namelist() if n.endswith(".pyc")}
        assert len(pycs) >= len(modules) - 20 and pycs <= modules  # a few test files do not compile
        assert {header(compiled.read(n + ".pyc"))[1] for n in list(pycs)[:50]} == {1}
