"""Read a model file: a ``.json`` config, a ``.keras`` archive, or a legacy ``.h5`` file.

Only the model's configuration is read, never its weights: a 2 GB ``.keras``
archive costs no more than its ``config.json``.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib

from ..errors import NncalcError, Unsupported

MAX_CONFIG_BYTES = 256 * 1024 * 1024  # a config larger than this is refused (zip bombs, garbage)


class FileError(NncalcError, ValueError):
    """A model file that cannot be read: says which file and why."""


MAX_DEPTH = 400  # JSON nesting levels (a model nested in a model adds 4); deeper is refused


def _depth(data) -> int:
    """How deeply lists and objects nest in parsed JSON, counted up to ``MAX_DEPTH + 1``.

    Level by level (iteratively: no recursion limit): the containers of level d + 1 are
    the lists and objects inside those of level d.
    """
    deepest, level = 0, [data] if isinstance(data, (dict, list)) else []
    while level:
        deepest += 1
        if deepest > MAX_DEPTH:
            break
        inner = []
        append = inner.append
        for value in level:  # (exact classes: json.loads makes only dict and list)
            for v in (value.values() if value.__class__ is dict else value):
                if v.__class__ is dict or v.__class__ is list:
                    append(v)
        level = inner
    return deepest


def _loads(text: str):
    """``json.loads`` with the cyclic garbage collector paused.

    Parsing allocates one object per JSON value and nothing cyclic; with the collector on,
    each collection re-walks every object made so far (a 60 MB config: 19 s instead of
    7 s here). It is also one C call that no signal interrupts (see ``cli._time_limit``):
    the shorter, the closer ``--timeout`` holds.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str, path: str) -> dict:
    try:
        data = _loads(text)
    except json.JSONDecodeError as error:
        raise FileError(f"{path}: not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise FileError(f"{path}: nested more than {MAX_DEPTH} levels deep; refused") from None
    except ValueError as error:  # a number of more than 4300 digits
        raise FileError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise FileError(f"{path}: a Keras model config is a JSON object")
    if _depth(data) > MAX_DEPTH:
        raise FileError(f"{path}: nested more than {MAX_DEPTH} levels deep; refused")
    return data


def read_json_config(path: str) -> dict:
    """A ``to_json()`` / ``get_config()`` document (with or without the class_name wrapper)."""
    if os.path.getsize(path) > MAX_CONFIG_BYTES:
        raise FileError(f"{path}: larger than {MAX_CONFIG_BYTES // 2**20} MB; not a model config")
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileError(f"{path}: not UTF-8 text; not a JSON model config") from None
    return _parse(text, path)


def read_keras_archive(path: str) -> dict:
    """``config.json`` of a Keras 3 ``.keras`` zip archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo("config.json")
            except KeyError:
                raise FileError(f"{path}: no config.json inside; not a Keras 3 .keras archive") from None
            if info.file_size > MAX_CONFIG_BYTES:
                raise FileError(f"{path}: config.json claims {info.file_size} bytes; refused")
            with archive.open(info) as member:
                raw = member.read(MAX_CONFIG_BYTES + 1)
    except zipfile.BadZipFile:
        raise FileError(f"{path}: not a zip archive; not a Keras 3 .keras file") from None
    except (zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as error:
        if isinstance(error, FileError):
            raise
        # a damaged member (bad deflate data, truncated), encrypted, or an unknown compression
        raise FileError(f"{path}: a damaged zip archive ({error}); not a readable .keras file") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise FileError(f"{path}: config.json is larger than it claims; refused")
    try:
        return _parse(raw.decode("utf-8"), f"{path}:config.json")
    except UnicodeDecodeError:
        raise FileError(f"{path}: config.json is not UTF-8 text") from None


def read_h5(path: str) -> tuple[dict, dict | None, bool]:
    """A legacy HDF5 model file: (model_config, training_config or None, has optimizer weights)."""
    try:
        import h5py
    except ImportError:
        raise Unsupported(
            f"{path}: reading .h5 files needs h5py: pip install 'nncalc[h5]' (or pip install h5py)"
        ) from None
    try:
        with h5py.File(path, "r") as handle:
            config = handle.attrs.get("model_config")
            training = handle.attrs.get("training_config")
            has_optimizer_weights = "optimizer_weights" in handle
    except OSError:
        raise FileError(f"{path}: not an HDF5 file") from None
    if config is None:
        raise FileError(f"{path}: no model_config in this HDF5 file (a weights-only file?)")

    def text(value):
        return value.decode("utf-8") if isinstance(value, bytes) else value

    training = _parse(text(training), path) if training is not None else None
    return _parse(text(config), path), training, has_optimizer_weights


def read_h5_config(path: str) -> dict:
    """The ``model_config`` of a legacy HDF5 model file (needs h5py)."""
    return read_h5(path)[0]


READERS = {".json": read_json_config, ".keras": read_keras_archive, ".h5": read_h5_config,
           ".hdf5": read_h5_config}


def read_config(path: str) -> dict:
    """The model config in ``path``, chosen by the file's extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in READERS:
        raise FileError(f"{path}: unknown model file type (expected .py, .json, .keras or .h5)")
    return READERS[extension](path)


def load_model(path: str, custom_objects: dict | None = None, input_shapes=None):
    """An nncalc model from a model file (weights ignored), compiled as Keras would compile it.

    ``input_shapes`` (one shape per model input, batch axis excluded) replaces the saved
    input shapes, e.g. to give a free image size a value (``--input-shape``).
    """
    from .config import model_from_config, optimizer_from_config, set_input_shapes

    path = os.fspath(path)
    config = read_config(path)
    if "class_name" not in config and "layers" in config:
        config = {"class_name": "Functional" if "input_layers" in config else "Sequential", "config": config}
    if input_shapes:
        config = set_input_shapes(config, input_shapes)
    model = model_from_config(config, custom_objects)
    if path.lower().endswith((".h5", ".hdf5")):
        _, training, has_optimizer_weights = read_h5(path)
        if training and "optimizer_config" in training:
            # Keras' legacy loader compiles from training_config and builds the optimizer on the
            # model's *own* variables (none for a Functional or Sequential model) when the file
            # holds optimizer weights.
            model.compile(optimizer=optimizer_from_config(training["optimizer_config"]))
            if has_optimizer_weights:
                model.optimizer.build(model._trainable_variables)
    return model


_KERAS_MODULES = ("keras", "tf_keras")


def is_keras_model(obj) -> bool:
    """True for a live model object of real Keras (``keras`` or ``tf_keras``), never importing Keras.

    Decided from the names of the object's classes: one of them is Keras' ``Model`` (which
    ``Functional``, ``Sequential`` and user subclasses inherit), defined in a ``keras`` or
    ``tf_keras`` module.
    """
    return any(cls.__name__ == "Model" and str(cls.__module__).startswith(_KERAS_MODULES)
               for cls in type(obj).__mro__)


def model_from_keras(obj, custom_objects: dict | None = None):
    """An nncalc model from a live Keras model, through its config (``to_json()``), as a file would.

    Weights are not read. A compile config is replayed only if the live model's optimizer is
    built (after ``fit``), since only then does Keras' summary print its "Optimizer params".
    """
    from .config import compile_from_config, model_from_config

    subclassed = Unsupported(
        f"model '{getattr(obj, 'name', '?')}' ({type(obj).__name__}) is a subclassed Keras model: "
        "nncalc reads a model's layer graph from its config, which only Functional and Sequential "
        "models have"
    )
    try:
        data = json.loads(obj.to_json())
    except NotImplementedError:
        raise subclassed from None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict) or "layers" not in data["config"]:
        raise subclassed
    compile_config = data.pop("compile_config", None)
    model = model_from_config(data, custom_objects)
    optimizer = getattr(obj, "optimizer", None)
    if compile_config and optimizer is not None and getattr(optimizer, "built", False):
        compile_from_config(model, compile_config)
    return model
