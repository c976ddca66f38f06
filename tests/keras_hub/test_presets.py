"""``from_preset``: every built-in preset's architecture, checked against keras_hub's own records.

The configurations nncalc ships (``src/nncalc/keras_hub/presets/*.json``) were written from
the models' published hyperparameters. Each is checked here against the parameter count the
installed keras_hub records in its preset metadata (read at test time, see
``hub_metadata.py``): a wrong configuration cannot pass. Where keras_hub's record itself is
off, the test says how, and checks that explanation against keras_hub's other records.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nncalc.keras_hub.models.preset_utils import preset_index
from tests.keras_hub.hub_metadata import keras_hub_presets

METADATA = keras_hub_presets()
pytestmark = pytest.mark.skipif(not METADATA, reason="keras_hub is not installed (see .ci/run)")

# Families of keras_hub that nncalc supports (keras_hub directory names).
SUPPORTED = {"gpt2", "bert", "roberta", "t5", "opt", "llama", "llama3", "mistral", "mixtral", "qwen", "qwen_moe",
             "qwen3", "qwen3_moe", "gemma", "gemma3", "phi3", "falcon", "vit", "whisper", "clip"}

# Presets whose recorded count is not the count of their architecture, and how each is checked.
#   ("witness", other, delta): the count equals preset `other`'s record + delta (same architecture
#       but for `delta`), while this preset's record differs;
#   ("trainable",): the record is the trainable count (non-trainable weights left out);
#   ("unexplained", why): the record matches no configuration of the published model.
RECORD_ERRORS = {
    "qwen2.5_7b_en": ("witness", "qwen2.5_math_7b_en", 0),  # record 6,993,420,288 ("48-layer"): no Qwen2 config
    "qwen2.5_coder_7b": ("witness", "qwen2.5_math_7b_en", 0),
    "qwen2.5_coder_instruct_7b": ("witness", "qwen2.5_math_7b_en", 0),
    "qwen2.5_coder_1.5b": ("witness", "qwen2.5_math_1.5b_en", 0),  # the published 1.5B architecture
    "qwen2.5_coder_instruct_1.5b": ("witness", "qwen2.5_math_1.5b_en", 0),
    # The English Whisper vocabulary has one token fewer than the multilingual one (51,864 vs
    # 51,865): one row of the tied embedding, hidden_dim = 512 values. Its record repeats
    # gpt2_base_en's count.
    "whisper_base_en": ("witness", "whisper_base_multi", -512),
    "whisper_tiny_en": ("trainable",),  # the 1,500 × 384 frozen encoder position table left out
    "paraphrase_minilm_l3_v2_en": ("unexplained", "the record (17,066,496) is 323,328 = 842 × 384 below the "
                                   "3-layer MiniLM (the 6- and 12-layer MiniLM presets match exactly)"),
}


def _nncalc_backbone(name):
    from nncalc.core.naming import reset_uids
    from nncalc.keras_hub.models.preset_utils import _instantiate

    reset_uids()
    family, config = preset_index()[name]
    cls, kwargs = _instantiate(family, config)
    return cls(**kwargs)


def _round_record(params) -> bool:
    """A nominal size (2.7B, 14B) rather than a count: a multiple of 10^8."""
    return params >= 10 ** 8 and params % 10 ** 8 == 0


def _shipped_presets():
    return sorted(n for n, (family, config) in preset_index().items()
                  if not config.get("quantized") and not config.get("unsupported"))


def test_preset_files_are_the_listed_ones():
    """preset_utils reads the data files it lists (pkgutil: no directory listing in a zipped wheel)."""
    from pathlib import Path

    from nncalc.keras_hub.models import preset_utils

    directory = Path(preset_utils.__file__).resolve().parents[1] / "presets"
    assert sorted(p.stem for p in directory.glob("*.json")) == sorted(preset_utils.PRESET_FILES)


def test_every_supported_family_preset_is_shipped():
    """Each built-in preset of a supported family is known to nncalc (built, or refused by name)."""
    missing = sorted(n for n, (family, _) in METADATA.items() if family in SUPPORTED and n not in preset_index())
    assert not missing
    unknown = sorted(n for n in preset_index() if n not in METADATA)
    assert not unknown, f"nncalc ships presets keras_hub does not have: {unknown}"


@pytest.mark.parametrize("name", _shipped_presets())
def test_preset_parameter_count(name):
    """nncalc's count equals keras_hub's recorded count (or the documented reason it cannot)."""
    recorded = METADATA[name][1]["params"]
    backbone = _nncalc_backbone(name)
    count = backbone.count_params()
    if name in RECORD_ERRORS:
        kind, *rest = RECORD_ERRORS[name]
        if kind == "witness":
            other, delta = rest
            assert count != recorded
            assert count == METADATA[other][1]["params"] + delta
        elif kind == "trainable":
            assert count != recorded
            assert sum(w.size for w in backbone.trainable_weights) == recorded
        else:
            assert count != recorded
            pytest.xfail(f"keras_hub's record for {name}: {rest[0]}")
        return
    if _round_record(recorded):
        # keras_hub records a nominal size here (2.7B for 2,651,591,680; 14B for 14,770,033,664):
        # only a loose check is possible, a small error of the config would pass it
        assert abs(count - recorded) <= 0.06 * recorded, (count, recorded)
        return
    assert count == recorded


def test_round_records_are_few():
    """The nominal records (checked to their precision only) are exactly these."""
    rounded = sorted(n for n in _shipped_presets() if _round_record(METADATA[n][1]["params"]))
    assert rounded == ["opt_2.7b_en", "opt_6.7b_en", "qwen2.5_coder_14b", "qwen2.5_coder_instruct_14b"]


@pytest.mark.parametrize("name", sorted(n for n, (f, c) in preset_index().items()
                                        if c.get("quantized") or c.get("unsupported")))
def test_refused_presets_say_why(name):
    """Quantized (int8) and multimodal Gemma 3 presets stop with one line naming the reason."""
    from nncalc.errors import Unsupported

    with pytest.raises(Unsupported, match="quantized|multimodal"):
        _nncalc_backbone(name)


def _run(source, tmp_path, *options):
    script = tmp_path / "script.py"
    script.write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(os.path.abspath("src")), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script), *options], env=env,
                          capture_output=True, text=True, cwd=tmp_path)


def test_from_preset_in_a_script(tmp_path):
    """Backbone.from_preset, a task's from_preset (base classes too), kaggle handles, dtype."""
    proc = _run("import keras_hub\n"
                "b = keras_hub.models.Backbone.from_preset('gemma2_2b_en', dtype='bfloat16')\n"
                "print(type(b).__name__, b.name, b.count_params(), b.dtype_policy.name)\n"
                "lm = keras_hub.models.CausalLM.from_preset('kaggle://keras/llama3/keras/llama3.2_1b/1')\n"
                "print(type(lm).__name__, lm.name, lm.count_params())\n"
                "clf = keras_hub.models.BertTextClassifier.from_preset('bert_tiny_en_uncased', num_classes=2)\n"
                "print(type(clf).__name__, clf.count_params())\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"GemmaBackbone gemma_backbone {METADATA['gemma2_2b_en'][1]['params']} bfloat16"
    assert lines[1] == f"Llama3CausalLM llama3_causal_lm {METADATA['llama3.2_1b'][1]['params']}"
    assert lines[2] == f"BertTextClassifier {METADATA['bert_tiny_en_uncased'][1]['params'] + 128 * 2 + 2}"
    assert proc.stderr.count("nncalc: note: ") == 2  # the two tasks' preprocessors


def test_from_preset_reads_a_local_preset_directory(tmp_path):
    """A preset directory's config.json (as keras_hub saves it) is read; weights are not."""
    preset = tmp_path / "my_preset"
    preset.mkdir()
    _, config = preset_index()["qwen3_0.6b_en"]
    (preset / "config.json").write_text(json.dumps({"module": "keras_hub.src.models.qwen3.qwen3_backbone",
                                                    **config, "registered_name": "keras_hub>Qwen3Backbone"}))
    proc = _run("import keras_hub\n"
                f"model = keras_hub.models.Qwen3Backbone.from_preset({str(preset)!r})\n"
                "print(model.count_params())\n", tmp_path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stderr.splitlines()[0]) == METADATA["qwen3_0.6b_en"][1]["params"]  # (script output: stderr)
    assert json.loads(proc.stdout)["models"][0]["total_params"] == METADATA["qwen3_0.6b_en"][1]["params"]


@pytest.mark.parametrize(("call", "message"), [
    ("keras_hub.models.LlamaBackbone.from_preset('gemma_2b_en')",
     "Saved preset has type `GemmaBackbone` which is not a subclass of calling class `LlamaBackbone`"),
    ("keras_hub.models.Backbone.from_preset('no_such_preset')", "Unknown preset identifier 'no_such_preset'"),
    ("keras_hub.models.Backbone.from_preset('hf://google/gemma-2b')", "nncalc reads no network"),
    ("keras_hub.models.Backbone.from_preset('llama3_8b_en_int8')", "int8-quantized preset is not supported"),
    ("keras_hub.models.Gemma3CausalLM.from_preset('gemma3_4b')", "multimodal Gemma 3 preset"),
    ("keras_hub.models.MaskedLM.from_preset('gpt2_base_en')",
     "Unable to find a subclass of MaskedLM that is compatible with GPT2Backbone"),
])
def test_from_preset_errors(call, message, tmp_path):
    proc = _run(f"import keras_hub\n{call}\n", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("nncalc: error: ") and message in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
