"""Run Keras scripts under REAL Keras and save every model they define as files.

    python tests/io/keras_configs.py OUT_DIR SCRIPT...

For each model left in a script's globals it writes ``<script>__<i>.json``
(``model.to_json()``), ``.keras`` and ``.h5`` (``model.save``), and records in
``OUT_DIR/index.json`` the summary real Keras prints for the model loaded back
from each file (``model_from_json``, ``load_model``; ``print_fn`` capture, so the
width follows ``COLUMNS``). The
tests load the same files with nncalc and compare.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import sys
import warnings
from pathlib import Path


def loaded_summary(keras, load):
    """The summary text of the model ``load()`` returns, or the error real Keras raised."""
    try:
        keras.backend.clear_session()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = load()
        captured = []
        loaded.summary(print_fn=captured.append)
        return "".join(captured)
    except Exception as error:  # report it; the test skips what Keras cannot load
        return {"error": f"{type(error).__name__}: {error}"}


def main(out_dir: str, scripts: list[str]) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    out = Path(out_dir)
    index = {}
    for script in scripts:
        keras.backend.clear_session()
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            namespace = runpy.run_path(script, run_name="__main__")
        models = [v for v in namespace.values() if isinstance(v, keras.Model)]
        seen = set()
        for i, model in enumerate(m for m in models if not (id(m) in seen or seen.add(id(m)))):
            stem = f"{Path(script).stem}__{i}"
            (out / f"{stem}.json").write_text(model.to_json(), encoding="utf-8")
            entry = {"json": f"{stem}.json"}
            entry["summaries"] = {}
            # The JSON reference first: saving a model can change how Keras later
            # deserializes its compile config (seen with Keras 3.15).
            entry["summaries"][entry["json"]] = loaded_summary(
                keras, lambda: keras.models.model_from_json(model.to_json()))  # noqa: B023 (called at once)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model.save(out / f"{stem}.keras")
                    model.save(out / f"{stem}.h5")
                entry["files"] = [f"{stem}.keras", f"{stem}.h5"]
            except Exception as error:  # an unbuilt model cannot be saved
                entry["save_error"] = f"{type(error).__name__}: {error}"
            for name in entry.get("files", []):
                entry["summaries"][name] = loaded_summary(
                    keras, lambda: keras.models.load_model(out / name))  # noqa: B023 (called at once)
            index[stem] = entry
    (out / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
