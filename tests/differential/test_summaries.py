"""Differential tests: ``python -m nncalc summary SCRIPT`` must print exactly
what running SCRIPT under real Keras 3.15.1 prints.

The scripts are ``examples/*.py``, the hand-written ones in ``scripts/`` plus
``generate_scripts(NNCALC_DIFF_SEED, NNCALC_DIFF_N)``.  Real Keras runs once
per session (``keras_reference.py`` in a subprocess, using the python named by
``NNCALC_KERAS_PYTHON``, default this one); if that python cannot import Keras
3.15.1 every test here is skipped with the reason.  nncalc runs under
``NNCALC_PYTHON`` (default this one) with the repository's ``src`` on
``PYTHONPATH``.  Both sides run with stdout piped and no terminal, once with
``COLUMNS`` unset and once with ``COLUMNS=200``.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
KERAS_VERSION = "3.15.1"
SEED = int(os.environ.get("NNCALC_DIFF_SEED", "20240601"))
N = int(os.environ.get("NNCALC_DIFF_N", "50"))


def _load(name: str):
    """Import a sibling module by path (works whatever pytest's import mode)."""
    spec = importlib.util.spec_from_file_location(f"_differential_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate")
keras_reference = _load("keras_reference")
MODES = keras_reference.MODES

EXAMPLES = HERE.parents[1] / "examples"  # the README's examples are checked too
SCRIPTS = {p.stem: p.read_text(encoding="utf-8")
           for p in sorted(EXAMPLES.glob("*.py")) + sorted((HERE / "scripts").glob("*.py"))}
GENERATED = dict(generate.generate_scripts(SEED, N))
SCRIPTS.update(GENERATED)


@pytest.fixture(scope="session")
def script_paths(tmp_path_factory) -> dict[str, Path]:
    """Every script written to a temporary directory, by script id."""
    root = tmp_path_factory.mktemp("differential_scripts")
    paths = {}
    for script_id, source in SCRIPTS.items():
        paths[script_id] = root / f"{script_id}.py"
        paths[script_id].write_text(source, encoding="utf-8")
    return paths


@pytest.fixture(scope="session")
def keras_python() -> str:
    """The python with real Keras; skips the session's tests if there is none."""
    python = os.environ.get("NNCALC_KERAS_PYTHON", sys.executable)
    try:
        probe = subprocess.run(
            [python, "-c", "import keras; print(keras.__version__)"],
            env=keras_reference.script_env(None), stdin=subprocess.DEVNULL,
            capture_output=True, text=True)
    except OSError as exc:
        pytest.skip(f"cannot run NNCALC_KERAS_PYTHON={python!r}: {exc}")
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        pytest.skip(f"real Keras is not importable by {python} ({last}); "
                    f"set NNCALC_KERAS_PYTHON to a python with keras=={KERAS_VERSION}")
    version = probe.stdout.strip().splitlines()[-1]
    if version != KERAS_VERSION:
        pytest.skip(f"{python} has keras {version}; the reference must be keras {KERAS_VERSION}")
    return python


@pytest.fixture(scope="session")
def reference(keras_python, script_paths, tmp_path_factory) -> dict:
    """``{script_id: {mode: output}}`` from real Keras (see keras_reference.py)."""
    out = tmp_path_factory.mktemp("keras_reference") / "reference.json"
    proc = subprocess.run(
        [keras_python, str(HERE / "keras_reference.py"), "--out", str(out),
         *map(str, script_paths.values())],
        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"keras_reference.py failed:\n{proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def _run_nncalc(script: Path, columns: str | None) -> subprocess.CompletedProcess:
    """``python -m nncalc summary SCRIPT`` with stdout piped, no terminal."""
    env = keras_reference.script_env(columns)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    python = os.environ.get("NNCALC_PYTHON", sys.executable)
    return subprocess.run([python, "-m", "nncalc", "summary", str(script)], env=env,
                          cwd=script.parent, stdin=subprocess.DEVNULL, capture_output=True)


def _diff(expected: str, actual: str) -> str:
    """A unified diff, plus the first differing line in repr (shows whitespace)."""
    want, got = expected.splitlines(keepends=True), actual.splitlines(keepends=True)
    text = "".join(difflib.unified_diff(want, got, "keras", "nncalc"))
    for i, (a, b) in enumerate(zip(want + [""], got + [""])):
        if a != b:
            return f"{text}\nfirst difference, line {i + 1}:\n keras  {a!r}\n nncalc {b!r}"
    return text


@pytest.mark.parametrize(("script_id", "mode"), [
    pytest.param(script_id, mode, id=f"{script_id}-{mode}")
    for script_id in SCRIPTS for mode in MODES])
def test_summary_matches_keras(script_id, mode, reference, script_paths):
    """nncalc prints what Keras prints; where Keras raised, nncalc fails alike:
    same stdout up to the error, non-zero exit, the error type in stderr's last line."""
    expected = reference[script_id][mode]
    proc = _run_nncalc(script_paths[script_id], MODES[mode])
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    last = (stderr.strip().splitlines() or [""])[-1]
    if isinstance(expected, dict):
        keras_error = f"{expected['error']}: {expected['message']}"
        if proc.returncode == 0:
            pytest.fail(f"Keras raised {keras_error}\nbut nncalc exited 0", pytrace=False)
        if expected["error"] not in last:
            pytest.fail(f"Keras raised {keras_error}\nnncalc: {last}", pytrace=False)
        expected = expected["stdout"]
    elif proc.returncode != 0:
        pytest.fail(f"nncalc exited {proc.returncode}:\n{stderr[-3000:]}", pytrace=False)
    if stdout != expected:
        pytest.fail(f"stdout differs from Keras ({mode}):\n{_diff(expected, stdout)}",
                    pytrace=False)


def test_seed_totals_in_reference(reference):
    """The reference itself reproduces the seed tutorial's totals."""
    for mode in MODES:
        assert "Total params: 567,434 " in reference["seed_mlp"][mode]
        assert "Total params: 8,593,034 " in reference["seed_cnn"][mode]
        both = reference["seed_both"][mode]
        assert 0 < both.index("Total params: 567,434 ") < both.index("Total params: 8,593,034 ")


def test_keras_accepts_generated_scripts(reference):
    """The generator only writes models real Keras builds and summarises; the calls it
    writes to be rejected (``try: ... except ValueError: print('rejected: ...')``) are
    rejected by Keras with a ValueError."""
    failures = {f"{sid} [{mode}]": f"{out['error']}: {out['message']}"
                for sid in GENERATED for mode, out in reference[sid].items()
                if isinstance(out, dict)}
    failures.update({f"{sid} [{mode}]": "a call meant to be rejected was accepted"
                     for sid in GENERATED for mode, out in reference[sid].items()
                     if isinstance(out, str) and ("accepted\n" in out
                                                  or "rejected: False" in out)})
    assert not failures, json.dumps(failures, indent=1)


def test_reference_equals_fresh_process(keras_python, script_paths, tmp_path):
    """In-process capture (one Keras import, clear_session between scripts)
    equals really running ``python script.py | cat`` for a few scripts."""
    picks = ["seed_both", "automatic_names", next(iter(GENERATED), "nested_models")]
    proc = subprocess.run(
        [keras_python, str(HERE / "keras_reference.py"), "--out", str(tmp_path / "r.json"),
         "--verify", str(len(picks)), *(str(script_paths[p]) for p in picks)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    verdicts = [line for line in proc.stderr.splitlines() if line.startswith("verify ")]
    assert proc.returncode == 0, "\n".join(verdicts) or proc.stderr[-3000:]
    assert len(verdicts) == len(picks) * len(MODES)


HAND_WRITTEN = [p.stem for p in sorted(EXAMPLES.glob("*.py")) + sorted((HERE / "scripts").glob("*.py"))]


@pytest.mark.parametrize("script_id", HAND_WRITTEN)
def test_summarize_api_runs_scripts_as_keras(script_id, reference, script_paths, monkeypatch):
    """``nncalc.summarize(script)`` runs the script as Keras would (a ``print_fn`` still gets
    the text) and each model it records has a total Keras printed."""
    import nncalc

    expected = reference[script_id][next(iter(MODES))]
    if isinstance(expected, dict):
        pytest.skip("Keras raises on this script")
    monkeypatch.chdir(script_paths[script_id].parent)
    summary = nncalc.summarize(script_paths[script_id])
    assert summary.models
    for model in summary.models:
        assert f"total params: {model.total_params:,}" in expected.lower(), model.name
