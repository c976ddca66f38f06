"""Fixtures for the renderer tests: real Keras 3 tables and nncalc summaries of the same scripts."""

from __future__ import annotations

import importlib.util

import pytest

from .keras3_tables import SCRIPTS, run_real_keras


@pytest.fixture(scope="session")
def keras3_tables():
    """``{script name: [Table, ...]}`` from real Keras 3, one per ``summary()`` call."""
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("tensorflow") is None:
        pytest.skip("real Keras 3 and TensorFlow are needed for the reference tables")
    return run_real_keras(SCRIPTS)


@pytest.fixture
def pairs(keras3_tables):
    """``pairs(script)``: nncalc's Summary of the script and [(ModelSummary, Keras Table)]."""
    import nncalc

    def make(script):
        summary = nncalc.summarize(str(script))
        tables = keras3_tables[script.name]
        assert [m.name for m in summary.models] == [t.name for t in tables]
        return summary, list(zip(summary.models, tables))

    return make
