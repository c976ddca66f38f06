"""``nncalc summary`` on Hugging Face configs: the three ways to name one (a config.json, a
model directory, a local cache entry), every output format, the schema, and the one-line
errors."""

import json
import os

import pytest

from nncalc.cli import main
from nncalc.render.json import schema

from .published import PUBLISHED

SMALL = dict(model_type="mixtral", num_hidden_layers=3, hidden_size=64, intermediate_size=96,
             num_attention_heads=4, num_key_value_heads=2, vocab_size=100, num_local_experts=4,
             num_experts_per_tok=2, torch_dtype="bfloat16")


def _write(path, config):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f)
    return os.path.join(path, "config.json")


def _run(capsys, *argv):
    code = main(["summary", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_file_directory_and_cache_entry_agree(tmp_path, capsys):
    file = _write(tmp_path / "model", SMALL)
    entry = tmp_path / "models--org--small"
    _write(entry / "snapshots" / "abc123", SMALL)
    _write(entry / "snapshots" / "old", dict(SMALL, num_hidden_layers=1))
    (entry / "refs").mkdir()
    (entry / "refs" / "main").write_text("abc123")
    outputs = [_run(capsys, path, "--seq-len", "16") for path in (file, str(tmp_path / "model"), str(entry))]
    assert all(code == 0 for code, _, _ in outputs)
    assert outputs[0][1] == outputs[1][1] == outputs[2][1]
    assert 'Model: "MixtralForCausalLM"' in outputs[0][1]
    assert "model.layers.0-2" in outputs[0][1] and "× 3" in outputs[0][1]


def test_expand_nested_lists_every_layer(tmp_path, capsys):
    file = _write(tmp_path, SMALL)
    _, out, _ = _run(capsys, file, "--expand-nested")
    assert "model.layers.2.mlp.experts" in out and "0-2" not in out


def test_json_keeps_the_schema(tmp_path, capsys):
    import jsonschema

    file = _write(tmp_path, SMALL)
    code, out, _ = _run(capsys, file, "--format", "json", "--seq-len", "8", "--kv-cache", "--budget", "1MB")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, schema())
    model = data["models"][0]
    assert model["active_params"] < model["total_params"]
    assert model["non_embedding_params"] == model["total_params"] - 2 * 100 * 64
    analysis = model["analysis"]
    assert analysis["flops_convention"] == "nncalc" and analysis["flops"] > 0
    assert analysis["kv_cache_bytes_per_token"] == 3 * (32 + 32) * 2
    assert analysis["memory"]["budget_solution"] >= 1


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html"])
def test_other_formats_show_the_total(tmp_path, capsys, fmt):
    from nncalc.hf import build
    from nncalc.hf.analysis import Analysis, Options

    total = Analysis(build(SMALL), Options()).figures["total_params"].value
    code, out, _ = _run(capsys, _write(tmp_path, SMALL), "--format", fmt)
    assert code == 0 and (f"{total:,}" in out or str(total) in out)


def test_explanations_in_chinese(tmp_path, capsys):
    code, out, _ = _run(capsys, _write(tmp_path, SMALL), "--seq-len", "8", "--explain", "--lang", "zh")
    assert code == 0 and "每个数字的来历" in out and "非嵌入参数" in out


def test_unsupported_model_type_is_one_line(tmp_path, capsys):
    code, out, err = _run(capsys, _write(tmp_path, {"model_type": "bloom", "n_layer": 2}))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "model_type 'bloom' is not supported by nncalc yet" in err


def test_keras_options_are_refused_for_language_models(tmp_path, capsys):
    code, _, err = _run(capsys, _write(tmp_path, SMALL), "--flops-convention", "tf")
    assert code == 2 and err.count("\n") == 1


def test_language_model_options_are_refused_for_keras(capsys):
    script = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "seed_cnn.py")
    code, _, err = _run(capsys, script, "--flops", "--flops-convention", "kaplan")
    assert code == 2 and "language models" in err


def test_tied_head_counted_once_and_per_reference(capsys, tmp_path):
    """GPT-2's head is the token embedding: once in the total, twice per reference (what
    torchinfo reports), both as transformers' named_parameters give them."""
    from .oracle_client import ask

    truth = ask({"config": PUBLISHED["GPT-2"]})
    total = sum(_numel(shape) for _, shape in truth["params"])
    per_reference = sum(_numel(shape) for _, shape in truth["params_all_references"])
    assert per_reference > total
    code, out, _ = _run(capsys, _write(tmp_path, PUBLISHED["GPT-2"]), "--explain")
    assert f"Total params (tied weights once): {total:,}" in out
    assert f"Params per reference (tied weights at each name): {per_reference:,}" in out
    assert "lm_head.weight = transformer.wte.weight" in out


def _numel(shape):
    out = 1
    for d in shape:
        out *= d
    return out
