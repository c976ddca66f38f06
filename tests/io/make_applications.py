"""Build every ``keras.applications`` model with REAL Keras and record what Keras prints.

    python tests/io/make_applications.py OUT_DIR [--jobs N] [CASE...]

All models are built in one process (or in N, each taking every N-th case) (``weights=None``; ``clear_session()`` before
each, so automatic names restart as in a fresh process). For each case it writes

* ``<case>.json``: ``model.to_json()``;
* in ``index.json``: ``{case: {"json": ..., "summaries": {"w76": text, "w200": text, ...},
  "total_params": n, "trainable_params": n, "non_trainable_params": n, "files": {...}}}``,
  where ``summaries`` is ``model.summary(print_fn=...)`` of the model as built, with
  ``COLUMNS=80`` (the table width of a pipe, 76) and ``COLUMNS=200`` (the full width), and
  for a model holding a model also with ``expand_nested=True, show_trainable=True``
  (``SUMMARIES``);
* for the cases in ``FILE_CASES`` also ``<case>.keras`` and ``<case>.h5`` (``model.save``)
  and, under ``files``, the summary Keras prints for each after ``keras.models.load_model``.
  The weights are then removed from those two files (nncalc reads only the config, and a
  ResNet50 archive is ~100 MB): ``config.json``/``metadata.json`` of the archive and the
  HDF5 root attributes (``model_config``, ``training_config``...) stay byte for byte as
  Keras wrote them. ``writer_matches`` records that :func:`write_config_files` (below)
  wrote the same ``config.json`` and ``model_config`` as ``model.save``;
* for every other constructor, ``<case>.keras`` and ``<case>.h5`` *without weights*,
  written by :func:`write_config_files` with Keras' own serializers (saving all 40 models
  with their weights would write gigabytes: ConvNeXtXLarge alone is 1.4 GB). Under
  ``files``: for the ``.keras`` archive, the model's summary; for the ``.h5``, the summary
  of the model Keras' legacy loader deserializes from its ``model_config`` (or its error:
  the legacy format cannot name ``LayerScale``'s module).

``index.json`` is written last, so its presence marks a complete cache. A case Keras
itself rejects is recorded as ``{"error": ...}``. Nothing may look like a terminal: the
table width comes from ``COLUMNS`` only (see tests/differential/keras_reference.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

# Summary key -> (COLUMNS, summary() arguments). Keras' table is COLUMNS - 4 wide, at most
# 88/108 (+12 with show_trainable). "nested" is recorded only for models holding a model.
SUMMARIES = {
    "w76": ("80", {}),
    "w200": ("200", {}),
    "nested": ("200", {"expand_nested": True, "show_trainable": True}),
}

CONSTRUCTORS = [
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
    "DenseNet121", "DenseNet169", "DenseNet201",
    "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4",
    "EfficientNetB5", "EfficientNetB6", "EfficientNetB7",
    "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2", "EfficientNetV2B3",
    "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S",
    "InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Large",
    "MobileNetV3Small", "NASNetLarge", "NASNetMobile",
    "ResNet101", "ResNet101V2", "ResNet152", "ResNet152V2", "ResNet50", "ResNet50V2",
    "VGG16", "VGG19", "Xception",
]

# Non-default arguments: case name -> (constructor, kwargs). weights=None is always added.
VARIANTS = {
    "ResNet50__notop": ("ResNet50", {"include_top": False}),
    "MobileNetV2__160_avg": ("MobileNetV2", {"include_top": False, "input_shape": (160, 160, 3), "pooling": "avg"}),
    "VGG16__classes7": ("VGG16", {"classes": 7}),
    "DenseNet121__160_max": ("DenseNet121", {"include_top": False, "input_shape": (160, 160, 3), "pooling": "max"}),
    "InceptionV3__160_avg_notop": ("InceptionV3", {"include_top": False, "input_shape": (160, 160, 3), "pooling": "avg"}),
    "EfficientNetB0__notop_avg": ("EfficientNetB0", {"include_top": False, "pooling": "avg"}),
    "EfficientNetV2B0__classes7_nopre": ("EfficientNetV2B0", {"classes": 7, "include_preprocessing": False}),
    "MobileNet__alpha05_160_classes7": ("MobileNet", {"alpha": 0.5, "input_shape": (160, 160, 3), "classes": 7}),
    "MobileNetV3Small__minimalistic_notop": ("MobileNetV3Small", {"minimalistic": True, "include_top": False,
                                                                  "input_shape": (160, 160, 3)}),
    "MobileNetV3Large__alpha075_classes7": ("MobileNetV3Large", {"alpha": 0.75, "classes": 7,
                                                                "include_preprocessing": False}),
    "ConvNeXtTiny__notop_avg": ("ConvNeXtTiny", {"include_top": False, "pooling": "avg", "input_shape": (160, 160, 3)}),
    "Xception__classes7_linear": ("Xception", {"classes": 7, "classifier_activation": None}),
    "NASNetMobile__notop_avg": ("NASNetMobile", {"include_top": False, "pooling": "avg"}),
    "ResNet50V2__160_notop": ("ResNet50V2", {"include_top": False, "input_shape": (160, 160, 3)}),
    "InceptionResNetV2__notop_max": ("InceptionResNetV2", {"include_top": False, "pooling": "max"}),
}



def frozen_transfer(keras):
    """The transfer-learning recipe: a frozen application nested in a functional model."""
    base = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(160, 160, 3))
    base.trainable = False
    inputs = keras.Input((160, 160, 3))
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x), name="transfer")


BUILDERS = {"MobileNetV2__frozen_transfer": frozen_transfer}

CASES = {**{name: (name, {}) for name in CONSTRUCTORS}, **VARIANTS, **{name: (builder, {}) for name, builder in BUILDERS.items()}}

# Also saved as .keras and .h5 (with weights, then stripped) and loaded back by Keras.
FILE_CASES = ("MobileNetV2", "ResNet50__notop", "ConvNeXtTiny__notop_avg", "InceptionResNetV2__notop_max",
              "MobileNetV2__frozen_transfer")
# Written as .keras and .h5 without weights (write_config_files).
CONFIG_FILE_CASES = tuple(name for name in CONSTRUCTORS if name not in FILE_CASES)


def summary_text(model, columns: str, options: dict) -> str:
    os.environ["COLUMNS"] = columns
    captured = []
    model.summary(print_fn=captured.append, **options)
    return "".join(captured)


def summaries(keras, model) -> dict:
    nested = any(isinstance(layer, keras.Model) for layer in model.layers)
    return {key: summary_text(model, columns, options) for key, (columns, options) in SUMMARIES.items()
            if nested or not options.get("expand_nested")}


def strip_keras_archive(path: Path) -> None:
    """Keep every member of the archive but the weights."""
    stripped = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if not info.filename.endswith(".weights.h5"):
                target.writestr(info, source.read(info))
    stripped.replace(path)


def strip_h5(path: Path) -> None:
    """A new HDF5 file with the root attributes (model_config, ...) and empty groups only."""
    import h5py

    stripped = path.with_suffix(".tmp")
    with h5py.File(path, "r") as source, h5py.File(stripped, "w") as target:
        for key, value in source.attrs.items():
            target.attrs[key] = value
        for key in source:
            target.create_group(key)
    stripped.replace(path)


def write_config_files(keras, model, out: Path, case: str) -> None:
    """``<case>.keras`` and ``<case>.h5`` as ``model.save`` writes them, less the weights.

    The archive holds ``metadata.json`` and ``config.json`` from Keras' own
    ``saving_lib._serialize_model_as_json``; the HDF5 file has the root attributes of
    ``legacy_h5_format.save_model_to_hdf5`` (``saving_utils.model_metadata`` under
    ``use_legacy_config``) and an empty ``model_weights`` group.
    """
    import h5py
    from keras.src.legacy.saving import json_utils, saving_utils
    from keras.src.legacy.saving import saving_options
    from keras.src.saving import saving_lib

    config_json, metadata_json = saving_lib._serialize_model_as_json(model)
    with zipfile.ZipFile(out / f"{case}.keras", "w") as archive:
        archive.writestr("metadata.json", metadata_json)
        archive.writestr("config.json", config_json)
    with saving_options.keras_option_scope(use_legacy_config=True):
        metadata = saving_utils.model_metadata(model, False)
    with h5py.File(out / f"{case}.h5", "w") as handle:
        for key, value in metadata.items():
            if isinstance(value, (dict, list, tuple)):
                value = json.dumps(value, default=json_utils.get_json_type).encode("utf8")
            handle.attrs[key] = value
        handle.create_group("model_weights")


def writer_matches(keras, model, out: Path, case: str) -> bool:
    """Does :func:`write_config_files` write what ``model.save`` wrote (``<case>.keras/.h5``)?"""
    import h5py

    probe = out / f"probe-{case}"
    probe.mkdir()
    write_config_files(keras, model, probe, case)
    with zipfile.ZipFile(out / f"{case}.keras") as saved, zipfile.ZipFile(probe / f"{case}.keras") as written:
        same = saved.read("config.json") == written.read("config.json")
    with h5py.File(out / f"{case}.h5", "r") as saved, h5py.File(probe / f"{case}.h5", "r") as written:
        same = same and dict(saved.attrs) == dict(written.attrs)
    for path in probe.iterdir():
        path.unlink()
    probe.rmdir()
    return same


def legacy_h5_summaries(keras, path: Path) -> dict:
    """What Keras' legacy ``.h5`` loader builds from the file's ``model_config``, summarized.

    The steps of ``legacy_h5_format.load_model_from_hdf5`` up to the weights, which this
    file does not hold.
    """
    import h5py
    from keras.src.legacy.saving import json_utils, saving_utils
    from keras.src.legacy.saving import saving_options
    from keras.src.saving import serialization_lib

    with h5py.File(path, "r") as handle:
        config = handle.attrs["model_config"]
    config = json_utils.decode(config.decode("utf-8") if hasattr(config, "decode") else config)
    keras.backend.clear_session()
    try:
        with warnings.catch_warnings(), saving_options.keras_option_scope(use_legacy_config=True), \
                serialization_lib.SafeModeScope(True):
            warnings.simplefilter("ignore")
            return summaries(keras, saving_utils.model_from_config(config, custom_objects={}))
    except Exception as error:  # e.g. "Unknown layer: 'LayerScale'"
        return {"error": f"{type(error).__name__}: {error}"}


def build(keras, constructor, kwargs: dict):
    keras.backend.clear_session()
    if callable(constructor):
        return constructor(keras)
    return getattr(keras.applications, constructor)(weights=None, **kwargs)


def record(keras, out: Path, case: str, constructor: str, kwargs: dict) -> dict:
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = build(keras, constructor, kwargs)
    except Exception as error:  # Keras rejects these arguments; the test reports it
        return {"error": f"{type(error).__name__}: {error}"}
    (out / f"{case}.json").write_text(model.to_json(), encoding="utf-8")
    entry = {
        "json": f"{case}.json",
        "summaries": summaries(keras, model),
        "total_params": model.count_params(),
        "trainable_params": sum(math.prod(w.shape) for w in model.trainable_weights),
        "non_trainable_params": sum(math.prod(w.shape) for w in model.non_trainable_weights),
    }
    if case in FILE_CASES:
        entry["files"] = {}
        for suffix in (".keras", ".h5"):
            path = out / f"{case}{suffix}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.save(path)
                keras.backend.clear_session()
                try:
                    loaded = keras.models.load_model(path)
                    entry["files"][path.name] = summaries(keras, loaded)
                except Exception as error:  # Keras cannot read its own file back
                    entry["files"][path.name] = {"error": f"{type(error).__name__}: {error}"}
        entry["writer_matches"] = writer_matches(keras, model, out, case)
        for suffix in (".keras", ".h5"):
            (strip_keras_archive if suffix == ".keras" else strip_h5)(out / f"{case}{suffix}")
    elif case in CONFIG_FILE_CASES:
        write_config_files(keras, model, out, case)
        entry["files"] = {f"{case}.keras": entry["summaries"],
                          f"{case}.h5": legacy_h5_summaries(keras, out / f"{case}.h5")}
    entry["seconds"] = round(time.perf_counter() - started, 2)
    return entry


def run_cases(out: Path, cases: list[str]) -> dict:
    """Build ``cases`` in this process; their index entries."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    index = {}
    for case in cases:
        constructor, kwargs = CASES[case]
        index[case] = record(keras, out, case, constructor, kwargs)
        print(case, index[case].get("seconds", index[case].get("error")), file=sys.stderr, flush=True)
    index["__keras_version__"] = keras.__version__
    return index


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("cases", nargs="*", help="only these cases (default: all)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="build in this many Keras processes (round-robin over the cases)")
    parser.add_argument("--shard-output", help=argparse.SUPPRESS)  # a worker of --jobs: its own index file
    args = parser.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = args.cases or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"unknown cases: {unknown}")
    started = time.perf_counter()
    if args.shard_output:
        index = run_cases(out, cases)
        Path(args.shard_output).write_text(json.dumps(index), encoding="utf-8")
        return
    if args.jobs <= 1:
        index = run_cases(out, cases)
    else:
        workers = []
        for k in range(args.jobs):
            shard = out / f"shard{k}.json"
            workers.append((shard, subprocess.Popen(
                [sys.executable, __file__, str(out), *cases[k::args.jobs], "--shard-output", str(shard)],
                stdin=subprocess.DEVNULL)))
        index = {}
        for shard, worker in workers:
            if worker.wait() != 0:
                sys.exit(f"{Path(__file__).name}: a worker failed (exit {worker.returncode})")
            index.update(json.loads(shard.read_text(encoding="utf-8")))
            shard.unlink()
        index = {case: index[case] for case in cases} | {"__keras_version__": index["__keras_version__"]}
    index["__seconds__"] = round(time.perf_counter() - started, 1)
    (out / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
