"""TensorFlow's profiler count of real keras_hub backbones (the reference of ``test_flops.py``).

    python tests/keras_hub/hub_profile.py CASES.json OUT.json

CASES maps a case name to ``{"class": "<Backbone class>", "config": {...}, "seq": N}``; each
backbone is built by real keras_hub (TensorFlow backend) and called on ``keras.Input``s whose
``None`` axes (the sequence) are ``N``, and ``tests/analysis/tf_profiler.py`` counts its float
operations at batch 1. OUT receives ``{name: {TF op type: float ops}}``. Needs real TensorFlow,
Keras and keras_hub; never nncalc.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def profile(case: dict) -> dict:
    import keras
    import keras_hub

    from tests.analysis.tf_profiler import profile_keras_model

    backbone = getattr(keras_hub.models, case["class"])(**case["config"])
    inputs = {name: keras.Input(tuple(case["seq"] if d is None else d for d in tensor.shape[1:]), dtype=tensor.dtype,
                                name=name) for name, tensor in backbone.input.items()} \
        if isinstance(backbone.input, dict) else keras.Input(backbone.input.shape[1:], name="images")
    return profile_keras_model(keras.Model(inputs, backbone(inputs)))["by_op"]


def main() -> int:
    import keras

    cases = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    results = {}
    for name, case in cases.items():
        keras.backend.clear_session()
        results[name] = profile(case)
    Path(sys.argv[2]).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
