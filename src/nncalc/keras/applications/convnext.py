"""ConvNeXt Tiny/Small/Base/Large/XLarge (Liu et al., 2022): four stages of 7x7 depthwise blocks.

With ``include_preprocessing`` (and 3 channels), ``{name}_prestem_normalization``
(ImageNet mean and variance on 0-255 pixels). Stage ``i`` (0-3) starts with a nested
Sequential: stage 0 ``{name}_stem`` (4x4 stride-4 ``Conv2D`` to ``dims[0]``, LayerNorm),
stages 1-3 ``{name}_downsampling_block_{i-1}`` (LayerNorm, 2x2 stride-2 ``Conv2D`` to
``dims[i]``); then ``depths[i]`` blocks ``{name}_stage_{i}_block_{j}``::

    x + drop(scale(Dense(d)(gelu(Dense(4d)(LayerNorm(DepthwiseConv7x7(x)))))))

(the depthwise convolution is a ``Conv2D`` with ``groups = d``; ``_layer_scale`` is a
``LayerScale`` unless ``layer_scale_init_value`` is None; ``drop`` is ``StochasticDepth``
at rate ``linspace(0, drop_path_rate, sum(depths))[block]``, or a linear ``Activation``
``_identity`` when that rate is 0; the sum is a ``keras.ops`` ``add`` row).

Top: ``{name}_head_gap``, ``{name}_head_layernorm``, ``{name}_head_dense``; without it
the optional global pooling, then a ``LayerNormalization`` (automatic names).

(depths, dims): Tiny ([3, 3, 9, 3], [96, 192, 384, 768]); Small ([3, 3, 27, 3], same
dims); Base (…, [128, 256, 512, 1024]); Large (…, [192, 384, 768, 1536]); XLarge (…,
[256, 512, 1024, 2048]); all 224x224 by default.
"""

from __future__ import annotations

from .. import backend, layers
from ...core.functional import Functional
from ...core.sequential import Sequential
from ...io.revived import LayerScale, StochasticDepth  # Keras defines them in its convnext module
from . import imagenet_utils

MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768], "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024], "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536], "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048], "default_size": 224},
}
IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


def linspace(start, stop, num):
    """``numpy.linspace(start, stop, num)`` as floats: ``start + i * (stop - start) / (num - 1)``, last = stop."""
    if num <= 0:
        return []
    if num == 1:
        return [float(start)]
    step = (stop - start) / (num - 1)
    values = [i * step + start for i in range(num)]
    values[-1] = float(stop)
    return [float(value) for value in values]


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """One block: 7x7 depthwise conv, LayerNorm, Dense(4d), GELU, Dense(d), LayerScale, drop path, residual add."""
    if name is None:
        name = f"prestem{backend.get_uid('prestem')}"

    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                          name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)

    return apply


def PreStem(name=None):
    """``{name}_prestem_normalization``: ImageNet mean and variance of 0-255 pixels."""
    if name is None:
        name = f"prestem{backend.get_uid('prestem')}"

    def apply(x):
        return layers.Normalization(mean=IMAGENET_MEAN, variance=IMAGENET_VARIANCE,
                                    name=f"{name}_prestem_normalization")(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """The classifier: global average pooling, LayerNorm, Dense(num_classes)."""
    if name is None:
        name = str(backend.get_uid("head"))

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_head_dense")(x)

    return apply


def downsampling_stages(projection_dims, name):
    """The four nested Sequentials that open the stages: the 4x4/4 stem, then three 2x2/2 downsamplers."""
    stem = Sequential([layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                       layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm")],
                      name=f"{name}_stem")
    return [stem] + [
        Sequential([layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
                    layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                                  name=f"{name}_downsampling_conv_{i}")],
                   name=f"{name}_downsampling_block_{i}")
        for i in range(3)
    ]


def _check_imagenet_variant(depths, projection_dims, name, weights_name):
    """With ImageNet weights the architecture and the name must be those of ``weights_name``."""
    expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
    if depths != expected["depths"] or projection_dims != expected["projection_dims"]:
        raise ValueError(f"Architecture configuration does not match {weights_name} variant. When using pre-trained "
                         "weights, the model architecture must match the pre-trained configuration exactly. "
                         f"Expected depths: {expected['depths']}, got: {depths}. Expected projection_dims: "
                         f"{expected['projection_dims']}, got: {projection_dims}.")
    if weights_name not in name:
        raise ValueError(f'Model name "{name}" does not match weights variant "{weights_name}". When using imagenet '
                         'weights, model name must contain the weights variant (e.g., "convnext_'
                         f'{weights_name.split("convnext_")[-1]}").')


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6, default_size=224,
             name="convnext", include_preprocessing=True, include_top=True, weights=None, input_tensor=None,
             input_shape=None, pooling=None, classes=1000, classifier_activation="softmax", weights_name=None):
    """The ConvNeXt network with ``depths[i]`` blocks of width ``projection_dims[i]`` in stage ``i``."""
    if backend.image_data_format() == "channels_first":
        raise ValueError("ConvNeXt does not support the `channels_first` image data format. Switch to "
                         "`channels_last` by editing your local config file at ~/.keras/keras.json")
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
                         f"Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    if input_tensor is not None:  # Keras starts from input_tensor itself, the model from its first source
        inputs = imagenet_utils.model_inputs(input_tensor, img_input)[0]
        x = input_tensor
    else:
        inputs = x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name=name)(x)
    stages = downsampling_stages(projection_dims, name)
    drop_rates = linspace(0.0, drop_path_rate, sum(depths))
    cur = 0
    for i, (downsample, depth, dim) in enumerate(zip(stages, depths, projection_dims)):
        x = downsample(x)
        for j in range(depth):
            x = ConvNeXtBlock(projection_dim=dim, drop_path_rate=drop_rates[cur + j],
                              layer_scale_init_value=layer_scale_init_value, name=f"{name}_stage_{i}_block_{j}")(x)
        cur += depth
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = Functional(inputs=inputs, outputs=x, name=name)
    if weights == "imagenet":
        _check_imagenet_variant(depths, projection_dims, name, weights_name)
    return model


def _constructor(size):
    config = MODEL_CONFIGS[size]

    def constructor(include_top=True, include_preprocessing=True, weights="imagenet", input_tensor=None,
                    input_shape=None, pooling=None, classes=1000, classifier_activation="softmax",
                    name=f"convnext_{size}"):
        return ConvNeXt(weights_name=f"convnext_{size}", depths=config["depths"],
                        projection_dims=config["projection_dims"], drop_path_rate=0.0, layer_scale_init_value=1e-6,
                        default_size=config["default_size"], name=name, include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights, input_tensor=input_tensor,
                        input_shape=input_shape, pooling=pooling, classes=classes,
                        classifier_activation=classifier_activation)

    title = "XLarge" if size == "xlarge" else size.capitalize()
    constructor.__name__ = constructor.__qualname__ = f"ConvNeXt{title}"
    constructor.__doc__ = (f"ConvNeXt{title}: depths {config['depths']}, widths {config['projection_dims']}, "
                           f"{config['default_size']}x{config['default_size']} input.")
    return constructor


ConvNeXtTiny = _constructor("tiny")
ConvNeXtSmall = _constructor("small")
ConvNeXtBase = _constructor("base")
ConvNeXtLarge = _constructor("large")
ConvNeXtXLarge = _constructor("xlarge")


decode_predictions = imagenet_utils.decode_predictions  # Keras exports it from this module too


def preprocess_input(x, data_format=None):
    """The identity: the model itself normalizes its input (``include_preprocessing``), as in Keras."""
    return x
