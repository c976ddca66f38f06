"""What every ``keras.applications`` constructor shares: input checks, padding, the input tensor.

The rules and messages are Keras' (``keras/src/applications/imagenet_utils.py``), so a
constructor given arguments Keras rejects raises the same ``ValueError``.
"""

from __future__ import annotations

import os
import warnings

from ...errors import Unsupported
from .. import backend
from ..utils import get_source_inputs

WEIGHTS_MESSAGE = ("The `weights` argument should be either `None` (random initialization), 'imagenet' "
                   "(pre-training on ImageNet), or the path to the weights file to be loaded.")


def weights_are_valid(weights) -> bool:
    """Keras' ``weights in {"imagenet", None} or file_utils.exists(weights)``.

    nncalc never loads the weights (counts and shapes do not depend on their values);
    it accepts what Keras accepts.
    """
    if weights is None or (isinstance(weights, str) and weights == "imagenet"):
        return True
    try:
        return os.path.exists(weights)
    except (TypeError, ValueError):
        return False


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The model's input shape: ``input_shape`` checked against the network's limits, or its default.

    Default ``(default_size, default_size, 3)`` (channels last); with ``include_top``
    (``require_flatten``) the shape must be static, with ImageNet weights it must be the
    default; each spatial size must be at least ``min_size``.
    """
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        if data_format == "channels_first":
            channel_axis = 0
            default_shape = (input_shape[0], default_size, default_size)
        else:
            channel_axis = -1
            default_shape = (default_size, default_size, input_shape[-1])
        if input_shape[channel_axis] not in {1, 3}:
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was passed an "
                          f"input_shape with {input_shape[channel_axis]} input channels.", stacklevel=2)
    elif data_format == "channels_first":
        default_shape = (3, default_size, default_size)
    else:
        default_shape = (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default_shape}.  Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        channels, spatial = ((input_shape[0], input_shape[1:]) if data_format == "channels_first"
                             else (input_shape[-1], input_shape[:2]))
        if channels != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        if any(size is not None and size < min_size for size in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; "
                             f"Received: input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == "channels_first" else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def image_input(input_tensor, input_shape):
    """The tensor the network starts from: a new ``Input`` or the given ``input_tensor``."""
    from ...layers.core import Input

    if input_tensor is None:
        return Input(shape=input_shape)
    if not backend.is_keras_tensor(input_tensor):
        return Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def model_inputs(input_tensor, img_input):
    """The model's inputs: the sources of ``input_tensor`` (any layers before it stay in the model)."""
    return get_source_inputs(input_tensor) if input_tensor is not None else img_input


def classifier(x, classes, classifier_activation, weights):
    """The usual top: global average pooling ``avg_pool``, then ``predictions`` (Dense, ``classes``)."""
    from .. import layers

    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def global_pooling(x, pooling, named: bool = False):
    """The feature extractor's end without the top: ``pooling="avg"`` or ``"max"`` over the
    spatial axes (named ``avg_pool``/``max_pool`` where the family names them), else ``x``."""
    from .. import layers

    if pooling == "avg":
        return layers.GlobalAveragePooling2D(**({"name": "avg_pool"} if named else {}))(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(**({"name": "max_pool"} if named else {}))(x)
    return x


def correct_pad(inputs, kernel_size):
    """Zero padding before a stride-2 'valid' convolution: ``k // 2`` after, one less before on even sizes.

    ``((k0 // 2 - a0, k0 // 2), (k1 // 2 - a1, k1 // 2))`` with ``a = 1 - size % 2``
    (``a = 1`` when the size is unknown).
    """
    img_dim = 2 if backend.image_data_format() == "channels_first" else 1
    input_size = inputs.shape[img_dim:img_dim + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if input_size[0] is None else (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """With pretrained weights, the classifier's activation must be ``None`` or ``"softmax"``."""
    if weights is None:
        return
    from .. import activations

    resolved = activations.get(classifier_activation)
    if resolved not in {activations.get("softmax"), activations.get(None)}:
        raise ValueError("Only `None` and `softmax` activations are allowed for the `classifier_activation` "
                         "argument when using pretrained weights, with `include_top=True`; Received: "
                         f"classifier_activation={resolved}")


_MEANS = {"caffe": [103.939, 116.779, 123.68], "torch": [0.485, 0.456, 0.406]}
_STDS = {"torch": [0.229, 0.224, 0.225]}


def preprocess_input(x, data_format=None, mode="caffe"):
    """Keras' image preprocessing, applied to a symbolic tensor as the same ``keras.ops`` calls.

    ``tf``: ``x / 127.5 - 1``; ``torch``: ``(x / 255 - mean) / std``; ``caffe``: RGB to BGR
    (a stack of the three channels), then ``x - mean``. On a symbolic tensor each step is an
    operation row in the summary, as in Keras. Concrete arrays (data) are not preprocessed:
    nncalc has no values.
    """
    if mode not in {"caffe", "tf", "torch"}:
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    if not backend.is_keras_tensor(x):
        raise Unsupported("keras.applications preprocess_input on data (not a symbolic tensor) is not "
                          "supported: nncalc has no values; call it on a keras.Input inside the model, or "
                          "leave data preparation out of the script given to nncalc")
    from .. import ops

    ndim = len(x.shape)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    elif data_format == "channels_first":
        x = (ops.stack([x[i, ...] for i in (2, 1, 0)], axis=0) if ndim == 3
             else ops.stack([x[:, i, :] for i in (2, 1, 0)], axis=1))
    else:
        x = ops.stack([x[..., i] for i in (2, 1, 0)], axis=-1)
    mean_tensor = ops.convert_to_tensor([-m for m in _MEANS[mode]], dtype=x.dtype)
    if data_format == "channels_first":
        shape = (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    else:
        shape = (1,) * (ndim - 1) + (3,)
    x += ops.reshape(mean_tensor, shape)
    if mode in _STDS:
        std_tensor = ops.convert_to_tensor(_STDS[mode], dtype=x.dtype)
        if data_format == "channels_first":
            std_tensor = ops.reshape(std_tensor, (-1, 1, 1))
        x /= std_tensor
    return x


def decode_predictions(preds, top=5):
    """Needs predicted values, which nncalc never has."""
    raise Unsupported("keras.applications decode_predictions needs predictions; nncalc computes no values")
