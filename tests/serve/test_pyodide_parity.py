"""nncalc in Pyodide (CPython 3.14 in WebAssembly, what the page runs) answers exactly as nncalc
in this Python: the same ``nncalc.serve.browser.calculate`` on the examples and every script of
the differential tests (which tie nncalc to real Keras), with every analysis and format on.
Pyodide runs under Node here, with the wheels, byte code and memory snapshot the page gets
(restored from the snapshot, as the page does, when Node could make one). Scripts that import
numpy (not in Pyodide's core) get one error line naming that import and the command instead."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from nncalc.serve import browser, pyodide_release, wheels

from .conftest import ROOT

SCRIPTS = sorted([*ROOT.glob("examples/*.py"), *ROOT.glob("tests/differential/scripts/*.py")])
OPTIONS = {"lang": "en", "flops": True, "memory": True, "receptive_field": True,
           "formats": ["markdown", "csv", "explain"]}


@pytest.fixture(scope="module")
def in_pyodide(pyodide_files, tmp_path_factory):
    node = pyodide_release.node()
    if node is None:
        pytest.skip("no Node.js here to run Pyodide outside the browser")
    wheels_dir = tmp_path_factory.mktemp("wheels")
    paths = []
    for name, data in wheels.prepared_wheels(pyodide_files).items():
        (wheels_dir / name).write_bytes(data)
        paths.append(str(wheels_dir / name))
    stdlib = next(n for n in pyodide_release.served_files(pyodide_files) if n.startswith("python_stdlib"))
    snapshot = wheels.prepared_snapshot(pyodide_files, wheels.prepared_wheels(pyodide_files))
    if snapshot:  # as the page starts: from the memory snapshot made for these wheels
        (wheels_dir / snapshot[0]).write_bytes(snapshot[1])
    request = {"pyodide": str(pyodide_files), "stdlib": stdlib, "wheels": paths,
               "wheels_dir": wheels.WHEELS_IN_PYODIDE, "snapshot": snapshot and str(wheels_dir / snapshot[0]),
               "files": [str(p) for p in SCRIPTS], "options": OPTIONS}
    done = subprocess.run([node, str(Path(__file__).with_name("pyodide_calculate.mjs"))],
                          input=json.dumps(request), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(zip(SCRIPTS, json.loads(done.stdout)))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_same_answer_in_pyodide(in_pyodide, script, tmp_path, monkeypatch):
    monkeypatch.setattr(browser, "WORK_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    (tmp_path / script.name).write_bytes(script.read_bytes())
    here = json.loads(browser.calculate(script.name, json.dumps(OPTIONS)))
    there = in_pyodide[script]
    if "import numpy" in script.read_text(encoding="utf-8"):  # not in Pyodide's core
        line = next(i for i, text in enumerate(script.read_text(encoding="utf-8").splitlines(), 1)
                    if "import numpy" in text)
        assert there == {"ok": False, "status": 422, "error": (
            f"nncalc: error: {script.name}:{line}: ModuleNotFoundError: No module named 'numpy' (the "
            "in-browser calculator has Python's standard library and nncalc's Keras API, not numpy: "
            "run this script with `nncalc summary`)")}
        return
    assert there == here
