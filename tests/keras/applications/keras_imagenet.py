"""Build a real Keras application with ``weights="imagenet"`` without downloading the weights.

Keras builds the whole model, then fetches the weights file. For a differential test of
what ``weights="imagenet"`` changes in the architecture (EfficientNet's extra Rescaling,
the checks on ``input_shape``), the model Keras' module hands to ``Functional`` is kept
and the download is stopped before it starts.
"""

from __future__ import annotations

import importlib


class _StopDownload(Exception):
    pass


def build_without_download(monkeypatch, module: str, constructor: str, **kwargs):
    """``keras.applications.<constructor>(weights="imagenet", **kwargs)`` as Keras builds it, never fetched."""
    keras_module = importlib.import_module(f"keras.src.applications.{module}")
    from keras.src.utils import file_utils

    built = []
    real_functional = keras_module.Functional

    def recording_functional(*args, **kw):
        built.append(real_functional(*args, **kw))
        return built[-1]

    def no_download(*args, **kw):
        raise _StopDownload

    with monkeypatch.context() as patch:
        patch.setattr(keras_module, "Functional", recording_functional)
        patch.setattr(file_utils, "get_file", no_download)
        try:
            getattr(keras_module, constructor)(weights="imagenet", **kwargs)
        except _StopDownload:
            pass
    assert built, f"{constructor} stopped before building its model"
    return built[-1]
