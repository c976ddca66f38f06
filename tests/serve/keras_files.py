"""Run under REAL Keras: save the seed CNN and a model with a Lambda layer as files.

    python tests/serve/keras_files.py OUT_DIR

Writes ``seed_cnn.keras``, ``seed_cnn.h5``, ``seed_cnn.json`` (``model.to_json()``), the
seed MLP as ``seed_mlp.h5`` and ``seed_mlp.keras`` (small enough to upload whole), and
``lambda.keras`` (a ``Lambda`` whose function would create ``OUT_DIR/lambda_ran`` if it ever
ran), and ``reference.json``: real Keras' ``count_params()`` and summary text of each model.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> None:
    import keras

    warnings.simplefilter("ignore")
    reference = {}
    keras.backend.clear_session()
    namespace = runpy.run_path(str(ROOT / "examples" / "seed_cnn.py"), run_name="seed")
    model = namespace["model"]
    model.save(out / "seed_cnn.keras")
    model.save(out / "seed_cnn.h5")
    (out / "seed_cnn.json").write_text(model.to_json(), encoding="utf-8")
    captured = []
    model.summary(print_fn=captured.append)
    reference["seed_cnn"] = {"params": model.count_params(), "text": "".join(captured)}

    keras.backend.clear_session()
    mlp = runpy.run_path(str(ROOT / "examples" / "seed_mlp.py"), run_name="seed")["model"]
    mlp.save(out / "seed_mlp.h5")
    mlp.save(out / "seed_mlp.keras")
    reference["seed_mlp"] = {"params": mlp.count_params()}

    keras.backend.clear_session()
    marker = str(out / "lambda_ran")
    inputs = keras.Input(shape=(8,))
    hidden = keras.layers.Dense(4, name="dense_in")(inputs)

    def side_effect(x, marker=marker):
        open(marker, "w").close()  # proves the function ran: it must never run in nncalc
        return x * 2

    lam = keras.layers.Lambda(side_effect, output_shape=(4,), name="double")(hidden)
    outputs = keras.layers.Dense(2, name="dense_out")(lam)
    lambda_model = keras.Model(inputs, outputs, name="with_lambda")
    lambda_model.save(out / "lambda.keras")
    if os.path.exists(marker):  # Keras may have run it while building the model
        os.remove(marker)
    reference["lambda"] = {"params": lambda_model.count_params()}
    (out / "reference.json").write_text(json.dumps(reference), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
