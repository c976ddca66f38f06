"""FLOPs of keras_hub models: nncalc's ``--flops-convention tf`` against TensorFlow's profiler.

Each family's backbone (a small configuration) is built by real keras_hub and profiled at a
fixed sequence length (``hub_profile.py``, in its own process), and built by nncalc in a
script run with ``--seq-len``: the count per TF op type must be the same, except for the op
types of what nncalc leaves out (README, "Keras Hub"): the attention masks (padding and causal:
``Greater``, ``GreaterEqual``, ``Minimum``, ``Less``, ``Equal`` ...) and the rotary angles and
relative-position buckets, computed on positions only (``Pow``, ``RealDiv``, ``Log`` and part
of ``AddV2``, ``Sub``, ``Mul``, ``Neg``). For those, nncalc's count may only be lower. Every
other op type — the matrix products, softmax, norms, biases, activations — must be equal.
The nncalc convention (``--flops``) of the same models must give a number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keras_hub.test_summaries import keras_reference

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
SEQ = 8

CASES = {
    "llama": ("LlamaBackbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                    hidden_dim=16, intermediate_dim=24)),
    "mistral": ("MistralBackbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                        hidden_dim=16, intermediate_dim=24, head_dim=8)),
    "qwen": ("QwenBackbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                  hidden_dim=16, intermediate_dim=24)),
    "qwen3": ("Qwen3Backbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                    head_dim=8, hidden_dim=16, intermediate_dim=24)),
    "phi3": ("Phi3Backbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                  hidden_dim=16, intermediate_dim=24)),
    "gemma2": ("GemmaBackbone", dict(vocabulary_size=50, num_layers=2, num_query_heads=4, num_key_value_heads=2,
                                     hidden_dim=16, intermediate_dim=24, head_dim=4, use_post_ffw_norm=True,
                                     use_post_attention_norm=True, attention_logit_soft_cap=50.0,
                                     final_logit_soft_cap=30.0)),
    "gemma3": ("Gemma3Backbone", dict(vocabulary_size=50, image_size=16, num_layers=2, num_query_heads=4,
                                      num_key_value_heads=2, hidden_dim=16, intermediate_dim=24, head_dim=4)),
    "mixtral": ("MixtralBackbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                        hidden_dim=16, intermediate_dim=24, num_experts=3)),
    "qwen3_moe": ("Qwen3MoeBackbone", dict(vocabulary_size=50, num_layers=1, num_query_heads=4, num_key_value_heads=2,
                                           hidden_dim=16, intermediate_dim=24, moe_intermediate_dim=8,
                                           num_experts=4, top_k=2)),
    "gpt2": ("GPT2Backbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16, intermediate_dim=24,
                                  max_sequence_length=16)),
    "opt": ("OPTBackbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16, intermediate_dim=24,
                                max_sequence_length=16)),
    "gpt_neo_x": ("GPTNeoXBackbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16,
                                          intermediate_dim=24)),
    "falcon": ("FalconBackbone", dict(vocabulary_size=50, num_layers=1, num_attention_heads=2, hidden_dim=16,
                                      intermediate_dim=24)),
    "bert": ("BertBackbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16, intermediate_dim=24,
                                  max_sequence_length=16)),
    "roberta": ("RobertaBackbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16,
                                        intermediate_dim=24, max_sequence_length=16)),
    "t5": ("T5Backbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16, intermediate_dim=24)),
    "vit": ("ViTBackbone", dict(image_shape=(16, 16, 3), patch_size=8, num_layers=1, num_heads=2, hidden_dim=16,
                                mlp_dim=24)),
    "whisper": ("WhisperBackbone", dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16,
                                        intermediate_dim=24, num_mels=8, max_encoder_sequence_length=16,
                                        max_decoder_sequence_length=16)),
}
# Op types of the masks and of position-only computations: nncalc leaves them out (or part of them).
LEFT_OUT = {"Greater", "GreaterEqual", "Minimum", "Less", "Equal", "AddV2", "Sub", "Mul", "Neg", "RealDiv", "Pow",
            "Log", "Maximum", "LogicalAnd"}


@pytest.fixture(scope="module")
def profiles(tmp_path_factory):
    """{case: {TF op type: float ops}} from real keras_hub under TensorFlow's profiler."""
    python = os.environ.get("NNCALC_KERAS_PYTHON", sys.executable)
    probe = subprocess.run([python, "-c", "import keras_hub"], env=keras_reference.script_env(None),
                           stdin=subprocess.DEVNULL, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("real keras_hub is not installed (see .ci/run)")
    root = tmp_path_factory.mktemp("hub_profile")
    cases = {name: {"class": cls, "config": config, "seq": SEQ} for name, (cls, config) in CASES.items()}
    (root / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    proc = subprocess.run([python, str(HERE / "hub_profile.py"), str(root / "cases.json"), str(root / "out.json")],
                          env=keras_reference.script_env(None), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((root / "out.json").read_text(encoding="utf-8"))


def nncalc_analysis(name, tmp_path, convention):
    cls, config = CASES[name]
    script = tmp_path / f"{name}.py"
    script.write_text(f"import keras_hub\nmodel = keras_hub.models.{cls}(**{config!r})\n", encoding="utf-8")
    env = keras_reference.script_env(None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    proc = subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), "--flops", "--flops-convention",
                           convention, "--seq-len", str(SEQ), "--format", "json"], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["models"][0]["analysis"]


@pytest.mark.parametrize("name", CASES)
def test_tf_convention_equals_the_profiler(name, profiles, tmp_path):
    analysis = nncalc_analysis(name, tmp_path, "tf")
    ours, theirs = analysis["tf_flops_by_op"], profiles[name]
    assert ours is not None, analysis.get("cost_unknown")
    for op in sorted(set(ours) | set(theirs)):
        if op in LEFT_OUT:
            assert ours.get(op, 0) <= theirs.get(op, 0), (op, ours.get(op), theirs.get(op))
        else:
            assert ours.get(op, 0) == theirs.get(op, 0), (op, ours.get(op), theirs.get(op))
    assert any(op not in LEFT_OUT and theirs[op] for op in theirs)  # the comparison compared something


@pytest.mark.parametrize("name", CASES)
def test_nncalc_convention_has_a_value(name, tmp_path):
    analysis = nncalc_analysis(name, tmp_path, "nncalc")
    assert analysis["flops"] and analysis["macs"], analysis.get("cost_unknown")
