"""nncalc's own columns and footer lines (--flops, --memory) in every output format.

Keras' part of the table must stay exactly as Keras draws it: the extra columns are
appended on the right, so every line of the plain table is a prefix of the line with
extras (up to the closing border).
"""

import json

import pytest

import nncalc.keras as nk
from nncalc.analysis import AnalysisOptions
from nncalc.render.json import schema
from nncalc.summary import Summary, summarize_model

jsonschema = pytest.importorskip("jsonschema")


def _model():
    inputs = nk.Input((16, 16, 3))
    x = nk.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    y = nk.layers.Conv2D(4, 3, name="conv_b")(inputs)
    x = nk.layers.Dense(5, name="head")(x)
    return nk.Model(inputs, [x, y])


OPTIONS = AnalysisOptions(flops=True, memory=True)


def test_keras_columns_are_unchanged_with_extras():
    model = _model()
    plain = Summary([summarize_model(model)]).to_text().splitlines()
    extended = Summary([summarize_model(model, analysis=OPTIONS)]).to_text().splitlines()
    table = [i for i, line in enumerate(plain) if line[:1] in "┏┃┡│├└"]
    assert table
    for i in table:
        assert extended[i].startswith(plain[i][:-1]), (plain[i], extended[i])
    assert "MACs" in extended[table[1]] and "FLOPs" in extended[table[1]]
    conv = next(line for line in extended if "conv (Conv2D)" in line)
    macs = 14 * 14 * 3 * 3 * 3 * 4
    assert f"{macs:,}" in conv and f"{2 * macs + 2 * 14 * 14 * 4:,}" in conv
    footer = "\n".join(extended[table[-1] + 1:])
    total_macs = 2 * macs + 14 * 14 * 4 * 5
    assert f"Total MACs: {total_macs:,}" in footer
    assert "Training memory (batch 32, adam): weights" in footer


def test_json_with_extras_validates_and_has_the_figures():
    summary = Summary([summarize_model(_model(), analysis=OPTIONS)])
    data = json.loads(summary.to_json())
    jsonschema.validate(data, schema())
    head = next(layer for layer in data["models"][0]["layers"] if layer["name"] == "head")
    assert head["macs"] == 14 * 14 * 4 * 5 and head["flops"] == 2 * head["macs"] + 14 * 14 * 5
    assert head["activation_bytes"] == 14 * 14 * 5 * 4
    assert [s["topic"] for s in head["explanation"]["cost"]][:2] == ["macs", "cost_term"]
    memory = data["models"][0]["analysis"]["memory"]
    assert memory["batch_size"] == 32 and memory["optimizer"] == "adam"
    assert memory["training_bytes"] == (memory["weight_bytes"] + memory["gradient_bytes"]
                                        + memory["optimizer_bytes"] + memory["training_activation_bytes"])


def test_json_without_extras_has_no_analysis():
    data = json.loads(Summary([summarize_model(_model())]).to_json())
    assert "analysis" not in data["models"][0]
    assert "macs" not in data["models"][0]["layers"][1]


def test_csv_markdown_html_carry_the_columns():
    summary = Summary([summarize_model(_model(), analysis=OPTIONS)])
    header = summary.to_csv().splitlines()[0]
    assert header.endswith(",macs,flops,activation_bytes")
    markdown = summary.to_markdown()
    assert "| MACs | FLOPs | Activations |" in markdown and "- Total MACs: " in markdown
    html = summary.to_html()
    assert "<th class=\"nncalc-num\">MACs</th>" in html and "Training memory" in html


def test_explanations_in_both_languages():
    summary = Summary([summarize_model(_model(), analysis=OPTIONS)])
    en, zh = summary.explain("en"), summary.explain("zh")
    assert "kernel products: (14 × 14) output positions × (3 × 3 × 3) per filter × 4 filters = 21,168" in en
    assert "卷积乘法: (14 × 14) 个输出位置 × (3 × 3 × 3) 每个卷积核 × 4 个卷积核 = 21,168" in zh
    assert "activations per sample (bytes): (14 × 14 × 4) elements × 4 bytes (float32) = 3,136" in en
    assert "训练内存（批大小 32，adam）" in zh


@pytest.mark.parametrize("style", ["keras2", "tf_keras"])
def test_keras2_styles_carry_the_columns_and_totals(style):
    """``--style keras2``/``tf_keras`` with --flops/--memory: Keras 2's lines are kept as they are
    (each is a prefix of the extended line), nncalc's cells follow on the right, its totals below."""
    from importlib import import_module

    renderer = import_module(f"nncalc.render.{style}")
    model = _model()
    plain = renderer.summary_lines(summarize_model(model))
    extended = renderer.summary_lines(summarize_model(model, analysis=OPTIONS))
    rows = [line for line in plain if line.strip() and line[0] not in "_=|" and not line.startswith(("Model", "Total",
                                                                                                   "Trainable", "Non-"))]
    assert rows
    for line in rows:
        assert any(other.startswith(line) for other in extended), line
    conv = next(line for line in extended if "conv (Conv2D)" in line)
    macs = 14 * 14 * 3 * 3 * 3 * 4
    assert f"{macs:,}" in conv and f"{2 * macs + 2 * 14 * 14 * 4:,}" in conv and "KB" in conv
    header = next(line for line in extended if "Layer (type)" in line)
    assert header.split()[-3:] == ["MACs", "FLOPs", "Activations"]
    assert any(line.startswith(f"Total MACs: {2 * macs + 14 * 14 * 4 * 5:,} ") for line in extended)
    assert any(line.startswith("Training memory (batch 32, adam): weights") for line in extended)
    assert len({len(line) for line in extended if set(line) in ({"_"}, {"="})}) == 1  # rules as wide as the rows
    assert plain == renderer.summary_lines(summarize_model(model, analysis=AnalysisOptions()))
