"""Explanations: the seed's derivations, with numbers that agree with real Keras, in en and zh."""

from __future__ import annotations

import math
import runpy
from pathlib import Path

import pytest

import nncalc
from nncalc.render.explain import render_model, value_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def keras_seed_models(real_keras):
    """The two example scripts run by real Keras: {script: model}."""
    import contextlib
    import io

    models = {}
    for name in ("seed_mlp.py", "seed_cnn.py"):
        real_keras.backend.clear_session()
        with contextlib.redirect_stdout(io.StringIO()):
            models[name] = runpy.run_path(str(EXAMPLES / name))["model"]
    return models


def explanation_text(script: str, lang: str = "en") -> str:
    return nncalc.summarize(EXAMPLES / script).explain(lang=lang)


def test_dense_derivations_use_keras_figures(keras_seed_models):
    text = explanation_text("seed_mlp.py")
    for layer in keras_seed_models["seed_mlp.py"].layers:
        if type(layer).__name__ == "Dense":
            d_in, units = layer.kernel.shape
            assert f"params: ({d_in:,} + 1) × {units:,} = {layer.count_params():,}" in text
        if type(layer).__name__ == "Flatten":
            dims = layer.input.shape[1:]
            flat = layer.output.shape[1]
            assert f"flattened size: {' × '.join(map(str, dims))} = {flat:,}" in text


def test_convolution_and_pooling_derivations_use_keras_figures(keras_seed_models):
    text = explanation_text("seed_cnn.py")
    for layer in keras_seed_models["seed_cnn.py"].layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            factors = " × ".join(map(str, layer.kernel.shape))
            assert f"params: {factors} + {layer.filters} = {layer.count_params():,}" in text
        if kind in ("Conv2D", "MaxPooling2D"):
            size_in, size_out = layer.input.shape[1], layer.output.shape[1]
            window = layer.kernel_size[0] if kind == "Conv2D" else layer.pool_size[0]
            stride = layer.strides[0]
            if layer.padding == "valid":
                assert f"height: floor(({size_in} - {window}) / {stride}) + 1 = {size_out}" in text
                assert math.floor((size_in - window) / stride) + 1 == size_out
            else:
                assert f"height: ceil({size_in} / {stride}) = {size_out}" in text
                assert math.ceil(size_in / stride) == size_out


def test_chinese_uses_the_seed_vocabulary():
    text = explanation_text("seed_cnn.py", lang="zh")
    for word in ("参数", "输出形状", "卷积核", "步长", "填充", "向下取整", "向上取整", "偏置"):
        assert word in text, word
    assert "5 × 5 × 3 × 512 + 512 = 38,912" in text


def test_every_explained_figure_equals_the_row_figure():
    """A figure and its explanation come from the same computation, so they never disagree."""
    for script in ("seed_mlp.py", "seed_cnn.py"):
        for model in nncalc.summarize(EXAMPLES / script).models:
            for row in model.rows:
                params = row.explanation.params
                assert params[0].value == row.params
                assert sum(s.value for s in params if s.topic == "weight") == row.params
                assert row.explanation.shape[0].value == row.output_shape


def test_value_text_formats_like_keras():
    assert value_text(57600) == "57,600"
    assert value_text((None, 15, 15, 256)) == "(None, 15, 15, 256)"


def test_render_model_has_totals():
    model = nncalc.summarize(EXAMPLES / "seed_mlp.py").models[0]
    assert render_model(model).rstrip().endswith("non-trainable 0")
    assert "567,434" in render_model(model, "zh")


# ------------------------------------------------------------- explanations made lazily
LAZY_SCRIPTS = sorted(EXAMPLES.glob("*.py")) + sorted((EXAMPLES.parent / "tests/render/scripts").glob("*.py"))


def _summaries(path, analysis):
    import io

    from nncalc.api import run_for_summaries
    from nncalc.summary import summarize_model

    summaries, models = run_for_summaries(str(path), stdout=io.StringIO(), analysis=analysis)
    return summaries + [summarize_model(m, expand_nested=True, analysis=analysis) for m in models]


@pytest.mark.parametrize("path", LAZY_SCRIPTS, ids=lambda p: p.name)
def test_lazy_explanations_equal_eager_ones(path):
    """A row made under lazy_explanations derives, when read, the explanation an eager row has
    (memory steps included), and derives nothing until then."""
    from nncalc.analysis import AnalysisOptions
    from nncalc.summary import lazy_explanations

    for analysis in (AnalysisOptions(), AnalysisOptions(flops=True, memory=True)):
        eager = _summaries(path, analysis)
        with lazy_explanations():
            lazy = _summaries(path, analysis)
        assert len(eager) == len(lazy) > 0
        for e, z in zip(eager, lazy):
            assert all(row._explanation is None and row.explain_source is not None for row in z.rows)
            assert [r.explanation for r in z.rows] == [r.explanation for r in e.rows]
            assert all(r.explain_source is None for r in z.rows)
        if analysis.memory:
            assert any(r.explanation.memory for z in lazy for r in z.rows)


def test_cli_derives_explanations_only_when_printed(tmp_path, capsys):
    """`nncalc summary` (text) leaves explanations underived; --explain prints what the API derives."""
    from nncalc import cli, session

    script = EXAMPLES / "seed_cnn.py"
    assert cli.main(["summary", str(script)]) == 0
    assert session.summaries and all(r._explanation is None for s in session.summaries for r in s.rows)
    capsys.readouterr()
    assert cli.main(["summary", str(script), "--explain"]) == 0
    printed = capsys.readouterr().out
    assert nncalc.summarize(script).explain() in printed
    from nncalc import summary

    assert summary.EAGER_EXPLANATIONS  # restored after the command
