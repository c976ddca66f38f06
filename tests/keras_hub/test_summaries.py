"""keras_hub models in scripts: ``python -m nncalc summary SCRIPT`` prints what real keras_hub prints.

Every supported family is built with small seeded random configurations (``generate.py``:
``NNCALC_HUB_SEED``, ``NNCALC_HUB_N`` scripts per family) plus the hand-written scripts in
``scripts/``; real keras_hub (0.32, Keras 3.15.1, TensorFlow backend) runs them all in one
process (``tests/differential/keras_reference.py``), piped and with ``COLUMNS=200``, and nncalc
must print the same bytes: rows, names, shapes, parameters, "Connected to", totals, and the
automatic names of layers made afterwards. The python running keras_hub is
``NNCALC_KERAS_PYTHON`` (default: this one); without keras_hub every test here is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keras_hub import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SRC = ROOT / "src"
KERAS_HUB_VERSION = "0.32.0"
SEED = int(os.environ.get("NNCALC_HUB_SEED", "20260521"))
N = int(os.environ.get("NNCALC_HUB_N", "2"))


def _load_reference_module():
    spec = importlib.util.spec_from_file_location("_hub_keras_reference",
                                                  ROOT / "tests" / "differential" / "keras_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


keras_reference = _load_reference_module()
MODES = keras_reference.MODES
SCRIPTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / "scripts").glob("*.py"))}
SCRIPTS.update(generate.generate_scripts(SEED, N))


@pytest.fixture(scope="session")
def hub_python() -> str:
    """The python with real keras_hub; skips these tests if there is none."""
    python = os.environ.get("NNCALC_KERAS_PYTHON", sys.executable)
    probe = subprocess.run([python, "-c", "import keras_hub; print(keras_hub.__version__)"],
                           env=keras_reference.script_env(None), stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
    if probe.returncode != 0:
        pytest.skip(f"real keras_hub is not importable by {python}: see .ci/run for how it is installed")
    version = probe.stdout.strip().splitlines()[-1]
    if version != KERAS_HUB_VERSION:
        pytest.skip(f"{python} has keras_hub {version}; the reference is keras_hub {KERAS_HUB_VERSION}")
    return python


@pytest.fixture(scope="session")
def script_paths(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hub_scripts")
    paths = {}
    for script_id, source in SCRIPTS.items():
        paths[script_id] = root / f"{script_id}.py"
        paths[script_id].write_text(source, encoding="utf-8")
    return paths


@pytest.fixture(scope="session")
def reference(hub_python, script_paths, tmp_path_factory) -> dict:
    """``{script_id: {mode: stdout}}`` under real keras_hub."""
    out = tmp_path_factory.mktemp("hub_reference") / "reference.json"
    proc = subprocess.run([hub_python, str(ROOT / "tests" / "differential" / "keras_reference.py"), "--out", str(out),
                           *map(str, script_paths.values())], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"keras_reference.py failed:\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def run_nncalc(script: Path, columns, *options) -> subprocess.CompletedProcess:
    """``python -m nncalc summary SCRIPT [options]``, stdout piped, no terminal."""
    env = keras_reference.script_env(columns)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), *options], env=env,
                          cwd=script.parent, stdin=subprocess.DEVNULL, capture_output=True)


def test_keras_hub_builds_every_script(reference):
    """The generator writes only configurations real keras_hub accepts."""
    failures = {f"{sid} [{mode}]": f"{out['error']}: {out['message']}"
                for sid, modes in reference.items() for mode, out in modes.items() if isinstance(out, dict)}
    assert not failures, json.dumps(failures, indent=1)


@pytest.mark.parametrize(("script_id", "mode"), [pytest.param(s, m, id=f"{s}-{m}") for s in SCRIPTS for m in MODES])
def test_summary_matches_keras_hub(script_id, mode, reference, script_paths):
    expected = reference[script_id][mode]
    proc = run_nncalc(script_paths[script_id], MODES[mode])
    stdout = proc.stdout.decode("utf-8", "replace")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    if isinstance(expected, dict):
        pytest.fail(f"keras_hub raised {expected['error']}: {expected['message']}", pytrace=False)
    if stdout != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), stdout.splitlines(True), "keras_hub", "nncalc"))
        pytest.fail(f"stdout differs from keras_hub ({mode}):\n{diff[:6000]}", pytrace=False)
