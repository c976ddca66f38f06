"""Keras' module ``keras.applications.resnet50``: ResNet50 and its input rules, from :mod:`.resnet`."""

from __future__ import annotations

from .resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
