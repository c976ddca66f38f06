"""The Python entry point behind :func:`nncalc.summarize`."""

from __future__ import annotations

import contextlib
import io
import os

from .core.model import Model
from .summary import Summary, summarize_model


def models_in(namespace: dict) -> list[Model]:
    """The distinct models a script left in its globals, in definition order."""
    seen, models = set(), []
    for value in namespace.values():
        if isinstance(value, Model) and id(value) not in seen:
            seen.add(id(value))
            models.append(value)
    return models


def run_for_summaries(path: str, argv=None, style: str = "none", stdout=None, analysis=None):
    """Run a script with fresh names; return (summaries it printed, models left in its globals).

    ``style`` is how its ``summary()`` calls print ("keras3", "keras2", "tf_keras" or
    "none"); ``stdout``, if given, receives what the script itself prints.
    """
    from . import session
    from .core.naming import reset_uids
    from .script import run_script

    session.reset()
    reset_uids()
    session.style = style
    if analysis is not None:
        session.analysis = analysis
    with contextlib.redirect_stdout(stdout) if stdout is not None else contextlib.nullcontext():
        namespace = run_script(path, argv)
    return list(session.summaries), models_in(namespace)


def summarize(model_or_path, expand_nested: bool = False) -> Summary:
    """Summarize a model object, every model of a Keras script, or a model file (by path).

    A model object is an nncalc model or a live real Keras model (``keras``/``tf_keras``),
    which is read through its config, as a saved file would be.
    """
    if isinstance(model_or_path, Model):
        return Summary([summarize_model(model_or_path, expand_nested=expand_nested)])
    from .io.files import is_keras_model

    if is_keras_model(model_or_path):
        from .io.files import model_from_keras

        return Summary([summarize_model(model_from_keras(model_or_path), expand_nested=expand_nested)])
    if isinstance(model_or_path, (str, os.PathLike)) and not os.fspath(model_or_path).endswith(".py"):
        from .io.files import load_model

        return Summary([summarize_model(load_model(os.fspath(model_or_path)), expand_nested=expand_nested)])
    if isinstance(model_or_path, (str, os.PathLike)):
        summaries, models = run_for_summaries(os.fspath(model_or_path), stdout=io.StringIO())
        if not summaries:
            summaries = [summarize_model(m, expand_nested=expand_nested) for m in models]
        return Summary(summaries)
    raise TypeError("nncalc.summarize takes an nncalc or Keras model, or a script or model file path, "
                    f"not {type(model_or_path).__name__}")
