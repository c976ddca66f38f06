"""A live real Keras model built with ``keras.ops`` is read through its config: each
operation (with its constructor arguments, serialized slices and constants) is revived as
the same :mod:`nncalc.ops` class a script creates, and the summary text equals Keras'."""

from __future__ import annotations

import warnings

import pytest

from tests.ops.test_summaries import BUILDS


@pytest.mark.parametrize("build", BUILDS, ids=[b.__name__ for b in BUILDS])
def test_live_model_with_ops_matches_keras(real_keras, build, monkeypatch):
    import nncalc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build(real_keras)
    summary = nncalc.summarize(model)
    monkeypatch.setenv("COLUMNS", "200")
    captured = []
    model.summary(print_fn=captured.append)
    assert summary.to_text() == "".join(captured)
