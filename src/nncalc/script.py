"""Run an unmodified Keras script with nncalc standing in for Keras and TensorFlow.

Every import form users write resolves to :mod:`nncalc.keras`: ``import keras``,
``from keras import layers``, ``from keras.layers import Dense``,
``from tensorflow import keras``, ``from tensorflow.keras.models import Sequential``,
``import tensorflow as tf; tf.keras...`` (and ``tf_keras``, ``keras_core``); ``keras_hub``
resolves to :mod:`nncalc.keras_hub`.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import os
import runpy
import sys
from .core.records import record
from typing import Optional

from .errors import ScriptTimeout

# Top-level names a script may import, and the nncalc module each stands for.
ALIASES = {
    "keras": "nncalc.keras",
    "tf_keras": "nncalc.keras",
    "keras_core": "nncalc.keras",
    "tensorflow": "nncalc.keras.tensorflow",
    "tensorflow.keras": "nncalc.keras",
    "keras_hub": "nncalc.keras_hub",
}


def target_module(fullname: str) -> Optional[str]:
    """``tensorflow.keras.layers`` -> ``nncalc.keras.layers``; None if not ours to answer."""
    for prefix in ("tensorflow.keras", "keras", "tf_keras", "keras_core", "keras_hub"):
        if fullname == prefix or fullname.startswith(prefix + "."):
            return ALIASES[prefix] + fullname[len(prefix):]
    if fullname == "tensorflow":
        return ALIASES["tensorflow"]
    if fullname.startswith("tensorflow."):
        return fullname.replace("tensorflow.", "nncalc.keras.tensorflow.", 1)
    return None


class _AliasLoader:
    """Hands the import system an already-imported nncalc module."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


class KerasAliasFinder:
    """Resolves Keras/TensorFlow imports to nncalc's Keras-compatible modules."""

    def find_spec(self, fullname, path=None, target=None):
        target_name = target_module(fullname)
        if target_name is None:
            return None
        from .errors import Unsupported

        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError:
            raise Unsupported(
                f"module {fullname} is not supported by nncalc yet "
                "(run `nncalc layers` for what is supported)"
            ) from None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


_FINDER = KerasAliasFinder()


@contextlib.contextmanager
def keras_aliases():
    """While active, Keras/TensorFlow imports resolve to nncalc; afterwards all is as before.

    Modules of a real Keras or TensorFlow that were already imported are set
    aside and put back on exit, so nncalc can run scripts inside a process
    that also uses real Keras (as the differential tests do).
    """
    saved = {name: module for name, module in sys.modules.items() if target_module(name) is not None}
    for name in saved:
        del sys.modules[name]
    sys.meta_path.insert(0, _FINDER)
    try:
        yield
    finally:
        sys.meta_path.remove(_FINDER)
        for name in [n for n in sys.modules if target_module(n) is not None]:
            del sys.modules[name]
        sys.modules.update(saved)


# The swap's own code: nncalc's timeout is not raised while it runs (cli._not_here), since a
# swap cut short would leave the process without its real Keras and TensorFlow modules. Its
# frame is on the stack only while it swaps (at the ``yield`` the generator is suspended).
MODULE_SWAP_CODE = keras_aliases.__wrapped__.__code__


@record
class ScriptError(Exception):
    """A user script failed: where (file:line) and why, ready for one line of output."""

    path: str
    line: Optional[int]
    error: BaseException

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def text(self, lang: str = "en") -> str:
        """``file:line: layer 'x' (Dense): cause`` (the cause translated for ``lang="zh"``)."""
        from .errors import cause_text

        return f"{self.where}: {cause_text(self.error, lang)}"

    def __str__(self) -> str:
        return self.text()


def _script_line(tb, path: str) -> Optional[int]:
    """The line of the script (not of nncalc) where the error surfaced."""
    import traceback  # error paths only

    line = None
    real = os.path.realpath(path)
    for frame, lineno in traceback.walk_tb(tb):
        if os.path.realpath(frame.f_code.co_filename) == real:
            line = lineno
    return line


def run_script(path: str, argv: Optional[list[str]] = None) -> dict:
    """Execute ``path`` as ``__main__`` with nncalc as Keras; return its globals.

    Raises :class:`ScriptError` (with the script's file and line) if the script fails.
    """
    old_argv = sys.argv
    sys.argv = [path] + list(argv or [])
    script_dir = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, script_dir)
    try:
        with keras_aliases():
            return runpy.run_path(path, run_name="__main__")
    except SystemExit as exit_:
        if exit_.code in (None, 0):
            return {}
        raise ScriptError(path, None, exit_) from None
    except KeyboardInterrupt:
        raise
    except (Exception, ScriptTimeout) as error:  # the user's script: anything may fail
        # (RecursionError and MemoryError included: a script that recurses without end or
        # builds a huge list fails at its own line, like any other error of the script.)
        raise ScriptError(path, _script_line(error.__traceback__, path), error) from error
    finally:
        sys.argv = old_argv
        if sys.path and sys.path[0] == script_dir:
            sys.path.pop(0)
