"""The benchmark's model generators (benchmarks/workloads.py), small: nncalc reads each
generated script and finds the parameter total of the hand formula. No timings here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import nncalc

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import workloads  # noqa: E402


def summarize_script(tmp_path: Path, text: str):
    path = tmp_path / "model.py"
    path.write_text(text)
    (summary,) = nncalc.summarize(path).models
    return summary


@pytest.mark.parametrize("n", [1, 2, 3, 10, 11])
def test_sequential_stack(tmp_path, n):
    summary = summarize_script(tmp_path, workloads.sequential_stack_script(n, width=4))
    assert len(summary.rows) == n
    # Dense, LayerNormalization, Dropout, Dense, ...: (W + 1) * W, 2 * W, 0 with W = 4.
    dense, norms = len(range(0, n, 3)), len(range(1, n, 3))
    assert summary.total_params == dense * 20 + norms * 8 == workloads.sequential_stack_params(n, width=4)


def test_dag(tmp_path):
    summary = summarize_script(tmp_path, workloads.dag_script(20, width=3))
    assert workloads.dag_node_count(20) == 21
    assert len(summary.rows) == 21  # the Input and 4 blocks of 5 layers
    assert {row.class_name for row in summary.rows} == {"InputLayer", "Dense", "Add", "Concatenate"}
    # Per block: two Dense(3) on 3 features, one Dense(3) on 6: 2 * 12 + 21 = 45.
    assert summary.total_params == 4 * 45 == workloads.dag_params(20, width=3)


def test_gpt(tmp_path):
    config = {"blocks": 2, "d_model": 8, "heads": 2, "context": 5, "vocab": 11}
    summary = summarize_script(tmp_path, workloads.gpt_script(**config))
    d, block = 8, 12 * 8 * 8 + 13 * 8
    assert summary.total_params == 2 * 11 * d + 5 * d + 2 * block + 2 * d == workloads.gpt_params(**config)


def test_gpt3_formula():
    # The benchmark's 175B model: 96 blocks of 12 d^2 + 13 d, embeddings and head 2 V d + T d.
    assert workloads.gpt_params(**workloads.GPT3) == 175_221_817_344


def test_runner_environment(monkeypatch):
    """Measured processes may write byte code (as an installed package has it), whatever the
    runner's environment says, and see the fixed COLUMNS of a pipe."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_bench_run", Path(__file__).resolve().parents[1] / "benchmarks/run.py")
    run = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, run)  # its dataclasses look themselves up there
    spec.loader.exec_module(run)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = run.child_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["COLUMNS"] == "80"
