"""nncalc.serve.bytecode, run by Pyodide's own Python in Node (nncalc.serve.pyodide_release.compile_zips):
unchecked-hash pycs (PEP 552) beside the sources, where ``zipimport`` looks for them, compiled
with the file names the modules will have. (That the page loads and answers from them is what
tests/serve/test_browser.py and test_pyodide_parity.py check.)"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from nncalc.serve import pyodide_release


@pytest.fixture(scope="module")
def pyodide(pyodide_files):
    if pyodide_release.node() is None:
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


def header(pyc: bytes) -> int:
    """PEP 552 flags: 1 = hash-based, not checked against the source."""
    return struct.unpack("<I", pyc[4:8])[0]


def test_wheel_and_stdlib_zips(pyodide):
    wheel, stdlib = pyodide_release.compile_zips([("/lib/wheels/pkg.whl", zipped(SOURCES)), ("stdlib", zipped(SOURCES))],
                                        pyodide)
    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        assert set(archive.namelist()) == set(SOURCES) | {"pkg/__init__.pyc", "pkg/mod.pyc"}  # sources kept
        pyc = archive.read("pkg/mod.pyc")
    assert header(pyc) == 1
    with zipfile.ZipFile(io.BytesIO(stdlib)) as archive:
        assert set(archive.namelist()) == {"pkg/__init__.pyc", "pkg/mod.pyc", "pkg/data.json", "pkg/broken.py"}
        stdlib_pyc = archive.read("pkg/mod.pyc")
    assert header(stdlib_pyc) == 1 and stdlib_pyc[:4] == pyc[:4]  # Pyodide's magic number, both
    # the code's file name is the module's path in Pyodide (marshal keeps the string as it is)
    assert b"/lib/wheels/pkg.whl/pkg/mod.py" in pyc and b"/lib/wheels" not in stdlib_pyc


def test_compiled_stdlib_was_made_from_the_checked_sources(pyodide):
    files = pyodide_release.served_files(pyodide)
    if pyodide_release.COMPILED_STDLIB not in files:
        pytest.skip("the standard library was fetched without Node")
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as source, \
            zipfile.ZipFile(pyodide / pyodide_release.COMPILED_STDLIB) as compiled:
        modules = {n[:-3] for n in source.namelist() if n.endswith(".py")}
        pycs = {n[:-4] for n in compiled.namelist() if n.endswith(".pyc")}
        assert len(pycs) >= len(modules) - 20 and pycs <= modules  # a few test files do not compile
        assert {header(compiled.read(n + ".pyc")) for n in list(pycs)[:50]} == {1}
