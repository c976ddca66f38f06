"""Run a differential script (tests/differential/scripts) under real Keras and under nncalc."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "tests" / "differential" / "scripts"


def _keras_reference():
    spec = importlib.util.spec_from_file_location(
        "_core_keras_reference", ROOT / "tests" / "differential" / "keras_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_script_matches_keras(name: str, tmp_path: Path) -> None:
    """``python SCRIPT`` with real Keras and ``python -m nncalc summary SCRIPT`` print the
    same bytes, with COLUMNS unset and with COLUMNS=200 (stdout piped, no terminal)."""
    pytest.importorskip("keras")
    reference = _keras_reference()
    script = tmp_path / f"{name}.py"
    script.write_text((SCRIPTS / f"{name}.py").read_text(encoding="utf-8"), encoding="utf-8")
    python = os.environ.get("NNCALC_KERAS_PYTHON", sys.executable)
    for columns in reference.MODES.values():
        expected = reference.run_piped(python, script, columns)
        assert expected.returncode == 0, expected.stderr.decode()[-2000:]
        env = reference.script_env(columns)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
        actual = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script)], env=env,
                                cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True)
        assert actual.returncode == 0, actual.stderr.decode()[-2000:]
        assert actual.stdout.decode() == expected.stdout.decode(), f"COLUMNS={columns}"
