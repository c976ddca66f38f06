"""Finding and reading a Hugging Face ``config.json``: a file, a model directory, or a
local Hugging Face cache entry (``models--org--name/snapshots/<revision>/config.json``).

Nothing is downloaded and no weight file is opened: only the config is read.
"""

from __future__ import annotations

import json
import os

from ..errors import NncalcError


class HFConfigError(NncalcError):
    """A config nncalc cannot read or a model_type it does not build (one line, exit 2)."""


def config_path(path: str):
    """The ``config.json`` that ``path`` names, or None when ``path`` is not a HF config.

    A ``.json`` file is one when its top level has a ``model_type``; a directory when it holds
    a ``config.json`` (a model directory) or ``snapshots/*/config.json`` (a cache entry, the
    revision ``refs/main`` names, else the newest snapshot).
    """
    if os.path.isdir(path):
        direct = os.path.join(path, "config.json")
        if os.path.isfile(direct):
            return direct
        snapshots = os.path.join(path, "snapshots")
        if os.path.isdir(snapshots):
            ref = os.path.join(path, "refs", "main")
            if os.path.isfile(ref):
                with open(ref, encoding="utf-8") as f:
                    chosen = os.path.join(snapshots, f.read().strip(), "config.json")
                if os.path.isfile(chosen):
                    return chosen
            found = [os.path.join(snapshots, d, "config.json") for d in os.listdir(snapshots)]
            found = [f for f in found if os.path.isfile(f)]
            if found:
                return max(found, key=os.path.getmtime)
        return None
    if not path.endswith(".json") or not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return None
    if b'"model_type"' not in head:
        return None
    try:
        data = json.loads(head if len(head) < (1 << 20) else open(path, "rb").read())
    except ValueError:
        return None
    return path if isinstance(data, dict) and "model_type" in data else None


def read_config(path: str) -> dict:
    """The config dict of ``path`` (see :func:`config_path`)."""
    where = config_path(path)
    if where is None:
        raise HFConfigError(f"{path}: no Hugging Face config.json (a JSON object with a \"model_type\") found")
    with open(where, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except ValueError as error:
            raise HFConfigError(f"{where}: not valid JSON ({error})") from None
    return data


class Config:
    """A config dict read with the defaults of its family's ``PretrainedConfig`` class.

    ``cfg.x`` is the config's value for ``x``, else the family's default (``DEFAULTS``), else
    an error naming the missing key. ``cfg.get(x, default)`` never fails.
    """

    def __init__(self, data: dict, defaults: dict, aliases=None):
        aliases = aliases or {}
        data, defaults = dict(data), dict(defaults)
        for table in (data, defaults):  # the config class's attribute_map: one name for both
            for alias, canonical in aliases.items():
                if alias in table:
                    value = table.pop(alias)
                    table.setdefault(canonical, value)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "defaults", defaults)
        object.__setattr__(self, "aliases", aliases)

    def get(self, key, default=None):
        key = self.aliases.get(key, key)
        # An explicit null in the config is the config's value (q_lora_rank: null), not a
        # request for the family's default; ``default`` stands in for it.
        value = self.data[key] if key in self.data else self.defaults.get(key)
        return value if value is not None else default

    def has(self, key) -> bool:
        key = self.aliases.get(key, key)
        return self.data.get(key) is not None

    def __getattr__(self, key):
        key = self.aliases.get(key, key)
        if key in self.data:
            return self.data[key]
        if key in self.defaults:
            return self.defaults[key]
        raise HFConfigError(f"config of model_type {self.data.get('model_type')!r} has no {key!r} and nncalc "
                            f"knows no default for it")

    def __setattr__(self, key, value):
        self.data[key] = value

    def optional_positive(self, key, default) -> int:
        """``key``'s value, a positive integer, or ``default`` when the config has none."""
        value = self.get(key)
        return default if value is None else self.positive(key)

    def positive(self, key) -> int:
        value = getattr(self, key)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise HFConfigError(f"config: {key} must be a positive integer, got {value!r}")
        return value
