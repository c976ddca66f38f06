"""keras_hub's task API around the model: what a script may call and what it gets back."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(source, tmp_path):
    script = tmp_path / "script.py"
    script.write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(os.path.abspath("src")), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "nncalc", "summary", str(script)], env=env, capture_output=True,
                          text=True, cwd=tmp_path)


def test_generate_compile_and_fit_are_accepted(tmp_path):
    """generate() gives a value-less result (said when printed); compile(sampler=...) and fit() are
    accepted, and after fit the summary has Keras' "Optimizer params" line (CausalLM compiles with Adam)."""
    proc = _run("import keras_hub\n"
                "b = keras_hub.models.GPT2Backbone(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=16,"
                " intermediate_dim=24)\n"
                "lm = keras_hub.models.GPT2CausalLM(b, preprocessor=None)\n"
                "print(lm.generate('Keras is', max_length=30))\n"
                "lm.compile(sampler='greedy')\n"
                "lm.fit([[1, 2]], epochs=1)\n"
                "lm.summary()\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("<no value: model 'gpt2_causal_lm'.generate()>\n")
    assert " Optimizer params: " in proc.stdout


def test_unsupported_keras_hub_names_say_so(tmp_path):
    proc = _run("import keras_hub\nkeras_hub.tokenizers.GemmaTokenizer\n", tmp_path)
    assert proc.returncode == 2
    assert "keras_hub.tokenizers is not supported by nncalc yet" in proc.stderr
    proc = _run("import keras_hub\nkeras_hub.models.DebertaV3Backbone\n", tmp_path)
    assert proc.returncode == 2
    assert "keras_hub.models.DebertaV3Backbone is not supported by nncalc yet" in proc.stderr
