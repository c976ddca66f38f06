"""What the installed keras_hub records about its built-in presets, read without importing it.

keras_hub's ``models/<family>/<family>_presets.py`` files are plain dictionaries (no imports):
they are executed on their own, so neither keras_hub nor TensorFlow is imported (the test
process stays light). Each preset's ``metadata["params"]`` is the parameter count keras_hub
recorded when it saved the preset.
"""

from __future__ import annotations

import importlib.util
import runpy
from pathlib import Path


def keras_hub_root():
    """The installed keras_hub package directory, or None (located, not imported)."""
    spec = importlib.util.find_spec("keras_hub")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def keras_hub_presets() -> dict:
    """preset name -> (keras_hub family directory, metadata dict), for every built-in preset."""
    root = keras_hub_root()
    if root is None:
        return {}
    presets = {}
    for path in sorted((root / "src" / "models").glob("*/*_presets.py")):
        namespace = runpy.run_path(str(path))
        for variable, value in namespace.items():
            if variable.endswith("presets") and isinstance(value, dict):
                for name, preset in value.items():
                    presets[name] = (path.parent.name, preset["metadata"])
    return presets


def keras_hub_version():
    root = keras_hub_root()
    if root is None:
        return None
    namespace = runpy.run_path(str(root / "src" / "version.py"))
    return namespace.get("__version__")
