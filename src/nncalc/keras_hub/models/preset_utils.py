"""``from_preset``: the published architectures, from configurations shipped with nncalc.

keras_hub downloads a preset (``config.json`` and the weights) from Kaggle; nncalc needs only
the architecture, so each built-in preset's backbone configuration is shipped as data in
``nncalc/keras_hub/presets/<family>.json``::

    {"configs": {"<config id>": {"class_name": "GemmaBackbone", "config": {...}}, ...},
     "presets": {"<preset name>": "<config id>", ...}}

(several presets share one architecture: base and instruct, code models...). The
configurations were written from the models' published hyperparameters; the tests check
each preset's parameter count against the one keras_hub records in its own preset metadata.
A local preset directory (a ``config.json`` saved by keras_hub) and ``kaggle://`` handles of
built-in presets are read too; weights are never read.
"""

from __future__ import annotations

import json
import os

from ...errors import Unsupported

_index = None
# The data files (``presets/<family>.json``): keras_hub's family directories that ship presets.
PRESET_FILES = ("bert", "clip", "falcon", "gemma", "gemma3", "gpt2", "llama", "llama3", "mistral", "mixtral", "opt",
                "phi3", "qwen", "qwen3", "qwen3_moe", "qwen_moe", "roberta", "t5", "vit", "whisper")


def preset_index() -> dict:
    """preset name -> (family module, backbone config {"class_name", "config"}), read once."""
    global _index
    if _index is None:
        import pkgutil  # package data through nncalc's loader: also inside a zipped wheel

        index = {}
        for family in PRESET_FILES:
            data = json.loads(pkgutil.get_data("nncalc", f"keras_hub/presets/{family}.json").decode("utf-8"))
            for name, config_id in data["presets"].items():
                index[name] = (family, data["configs"][config_id])
        _index = index
    return _index


def _class(class_name: str, family: str | None = None):
    """The class of this package called ``class_name`` (keras_hub's registered name)."""
    from . import CLASSES

    import importlib

    module = CLASSES.get(class_name) or family
    if module is None:
        raise Unsupported(f"keras_hub class {class_name} is not supported by nncalc yet")
    return getattr(importlib.import_module(f"{__package__}.{module}"), class_name)


def builtin_presets(cls) -> dict:
    """The built-in presets whose backbone is ``cls`` or one of its subclasses: name -> config."""
    presets = {}
    for name, (family, config) in preset_index().items():
        try:
            backbone_cls = _class(config["class_name"], family)
        except Unsupported:
            continue
        if cls is not None and issubclass(backbone_cls, cls):
            presets[name] = config
    return presets


def _read_preset(preset) -> tuple:
    """(family module or None, backbone config) of a preset name, handle or directory."""
    if not isinstance(preset, str):
        raise ValueError(f"A preset identifier must be a string. Received: preset={preset}")
    if preset.startswith("kaggle://"):
        # kaggle://<owner>/<model>/keras/<preset>[/<version>]: built-in presets by their handle
        parts = preset[len("kaggle://"):].strip("/").split("/")
        if len(parts) >= 4 and parts[3] in preset_index():
            return preset_index()[parts[3]]
        raise Unsupported(f"preset {preset!r}: nncalc reads no network; only the handles of keras_hub's "
                          "built-in presets and local preset directories are known")
    if "://" in preset:
        raise Unsupported(f"preset {preset!r}: nncalc reads no network; pass a built-in preset name or a "
                          "local preset directory")
    if preset in preset_index():
        return preset_index()[preset]
    if os.path.isdir(preset):
        path = os.path.join(preset, "config.json")
        if not os.path.exists(path):
            raise ValueError(f"Preset {preset} has no config.json. Make sure the URI or path is correct.")
        with open(path, encoding="utf-8") as file:
            config = json.load(file)
        if "class_name" not in config or "config" not in config:
            raise Unsupported(f"preset {preset}: its config.json is not a keras_hub backbone config")
        return None, config
    raise ValueError(f"Unknown preset identifier {preset!r}: not a keras_hub built-in preset nor a local "
                     "directory (nncalc reads no network)")


def _instantiate(family, config: dict, **overrides):
    """The object a serialized ``{"class_name", "config"}`` describes (nested ones first)."""
    if config.get("unsupported"):
        raise Unsupported(config["unsupported"])
    if config.get("quantized"):
        raise Unsupported(f"a {config['quantized']}-quantized preset is not supported by nncalc yet "
                          "(its quantized layers hold other weights)")
    cls = _class(config["class_name"], family)
    kwargs = {}
    for key, value in config["config"].items():
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            nested_cls, nested_kwargs = _instantiate(family, value)
            value = nested_cls(**nested_kwargs)
        kwargs[key] = value
    kwargs.pop("dtype", None)  # keras_hub loads the weights in the current dtype policy unless told
    kwargs.pop("trainable", None)
    kwargs.setdefault("name", None)
    if kwargs["name"] is None:
        from ...core.naming import to_snake_case

        kwargs["name"] = to_snake_case(cls.__name__)
    kwargs.update(overrides)
    return cls, kwargs


def load_backbone(cls, preset, **kwargs):
    """``<Backbone>.from_preset(preset, **kwargs)``: kwargs (``dtype`` ...) override the config."""
    family, config = _read_preset(preset)
    backbone_cls, backbone_kwargs = _instantiate(family, config, **kwargs)
    if not issubclass(backbone_cls, cls):
        raise ValueError(f"Saved preset has type `{backbone_cls.__name__}` which is not a subclass of calling "
                         f"class `{cls.__name__}`. Call `from_preset` directly on `{backbone_cls.__name__}` "
                         "instead.")
    return backbone_cls(**backbone_kwargs)


def load_task(cls, preset, **kwargs):
    """``<Task>.from_preset(preset, **kwargs)``: the task on the preset's backbone.

    keras_hub also builds the preset's preprocessor (its tokenizer needs the preset's vocabulary
    files, which nncalc does not ship): the task is built without one, and the note says that
    the "Preprocessor" table keras_hub prints before the model's is left out.
    """
    from .task import Task

    if cls is Task:
        raise ValueError("Do not call `Task.from_preset()` directly. Instead call a particular task class, e.g. "
                         "`keras_hub.models.TextClassifier.from_preset()`.")
    family, config = _read_preset(preset)
    backbone_cls = _class(config["class_name"], family)
    if cls.backbone_cls is not backbone_cls:
        cls = _find_subclass(preset, cls, backbone_cls, family)
    if "backbone" not in kwargs:
        backbone_kwargs = {"dtype": kwargs.pop("dtype")} if kwargs.get("dtype") is not None else {}
        kwargs.pop("dtype", None)
        kwargs["backbone"] = load_backbone(backbone_cls, preset, **backbone_kwargs)
    if "preprocessor" not in kwargs:
        kwargs["preprocessor"] = None
        _note_no_preprocessor(cls)
    return cls(**kwargs)


def _find_subclass(preset, cls, backbone_cls, family):
    """keras_hub's ``find_subclass``: the task class of the preset's family derived from ``cls``."""
    import importlib

    module = importlib.import_module(backbone_cls.__module__)
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, cls) and getattr(value, "backbone_cls", None) is backbone_cls:
            return value
    raise ValueError(f"Unable to find a subclass of {cls.__name__} that is compatible with {backbone_cls.__name__} "
                     f"found in preset '{preset}'.")


def _note_no_preprocessor(cls) -> None:
    import sys

    print(f"nncalc: note: {cls.__name__}.from_preset: keras_hub would also build the preset's preprocessor "
          "(its tokenizer) and print a \"Preprocessor\" table before the model's; nncalc builds none",
          file=sys.stderr)
