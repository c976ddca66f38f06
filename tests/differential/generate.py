"""Seeded generator of random Keras model-definition scripts.

Each generated script is plain Python source that builds one Keras model
(``Sequential([...])``, ``Sequential()`` + ``.add()``, or a functional
``Model(inputs, outputs)``), possibly containing nested models, shared layers
and frozen layers, and ends with one or more ``model.summary(...)`` calls.

Layers are drawn from every family nncalc models, each with random arguments
that Keras accepts for the input it gets:

* core: ``Dense`` (on any rank), ``EinsumDense``, ``Embedding`` (on an integer
  ``Input``), ``Masking``, ``Identity``;
* convolution of every kind and rank: ``Conv1D/2D/3D``, ``Conv*DTranspose``
  (with ``output_padding``), ``DepthwiseConv1D/2D``, ``SeparableConv1D/2D``,
  with ``padding`` (also ``'causal'``), ``strides``, ``dilation_rate``,
  ``groups``, ``depth_multiplier`` and ``data_format='channels_first'``;
* pooling: max/average 1D/2D/3D (and their ``MaxPool2D``-style aliases),
  global (``keepdims``), adaptive;
* normalization: ``BatchNormalization``, ``LayerNormalization``,
  ``GroupNormalization``, ``RMSNormalization``, ``UnitNormalization``;
* regularization: ``Dropout``, ``SpatialDropout1D/2D/3D``, ``GaussianNoise``,
  ``GaussianDropout``, ``AlphaDropout``, ``ActivityRegularization``;
* reshaping: ``Flatten``, ``Reshape`` (with ``-1``), ``Permute``,
  ``RepeatVector``, ``Cropping``/``UpSampling``/``ZeroPadding`` 1D/2D/3D;
* activations: ``Activation``, ``ReLU``, ``LeakyReLU``, ``PReLU``, ``ELU``,
  ``Softmax``;
* recurrent: ``SimpleRNN``/``LSTM``/``GRU`` (``return_sequences``,
  ``return_state``, ``initial_state=``), ``Bidirectional`` (every
  ``merge_mode``, also ``None``), ``TimeDistributed``, ``ConvLSTM1D/2D``;
* preprocessing: ``Rescaling``, ``Normalization``, ``Resizing``,
  ``CenterCrop`` and random augmentation layers;
* in functional models only: merging (``Add``, ``Subtract``, ``Multiply``,
  ``Average``, ``Maximum``, ``Minimum``, ``Concatenate``, ``Dot``, and the
  function forms ``add(...)``, ``concatenate(...)``...) of residual and forked
  branches, and attention (``MultiHeadAttention`` self- and cross-attention,
  ``GroupQueryAttention``, ``Attention``, ``AdditiveAttention``).

Variety beyond the layers: seven import forms, positional and keyword
arguments, automatic and explicit names (a few in Chinese, which take two
cells per character), models nested two deep, unbuilt or deferred-build
Sequentials (sometimes with a fixed batch size), unknown sizes
(``(None, None, C)`` images, ``(None, F)`` sequences), intermediate tensors as
extra outputs, ``summary`` options (``line_length``, ``positions``,
``expand_nested``, ``show_trainable``, ``layer_range``), and now and then a
layer call Keras rejects, caught by the script (``except ValueError``) so
both sides must reject it and then go on alike (the rejected layer still
took its automatic name).

Shapes are tracked while generating so every model is valid for Keras (the
differential tests check that Keras accepts each one).  The same seed always
yields the same scripts.

    >>> scripts = generate_scripts(seed=1, n=3)
    >>> [script_id for script_id, _ in scripts]
    ['gen_1_000', 'gen_1_001', 'gen_1_002']
"""

from __future__ import annotations

import math
import random
import re

# Import style -> (import lines, layers prefix, Input, Sequential, Model).  The
# "from_*" styles import names directly; their import lines are built from the
# symbols a script uses.
STYLES = {
    "keras": ("import keras", "keras.layers.", "keras.Input", "keras.Sequential",
              "keras.Model"),
    "keras_layers": ("import keras\nfrom keras import layers", "layers.", "keras.Input",
                     "keras.Sequential", "keras.Model"),
    "tf_keras": ("from tensorflow import keras", "keras.layers.", "keras.Input",
                 "keras.Sequential", "keras.models.Model"),
    "tf_keras_layers": ("from tensorflow import keras\nfrom tensorflow.keras import layers",
                        "layers.", "layers.Input", "keras.Sequential", "keras.Model"),
    "tf": ("import tensorflow as tf", "tf.keras.layers.", "tf.keras.Input",
           "tf.keras.Sequential", "tf.keras.Model"),
    "from_tf_layers": (None, "", "Input", "Sequential", "Model"),
    "from_keras_models": (None, "", "Input", "Sequential", "Model"),
}


def _from_imports(style: str, used: set[str]) -> str:
    """``from X import a, b`` lines for the direct-import styles."""
    models = sorted(used & {"Sequential", "Model"})
    names = sorted(used - {"Sequential", "Model"})
    pkg = "tensorflow.keras" if style == "from_tf_layers" else "keras"
    lines = [f"from {pkg}.models import {', '.join(models)}"] if models else []
    if names:
        lines.append(f"from {pkg}.layers import {', '.join(names)}")
    return "\n".join(lines)


ACTIVATIONS = ("relu", "relu", "sigmoid", "tanh", "softmax", "linear", "elu",
               "selu", "softplus", "gelu", "swish")
UNITS = (1, 2, 3, 4, 8, 10, 16, 32, 64, 100, 128, 256, 512)
SMALL_UNITS = (1, 2, 3, 4, 6, 8, 12, 16, 32)
# Spelled symbol -> the class Keras instantiates (aliases and function forms).
CLASS_OF = {"MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D",
            "MaxPool3D": "MaxPooling3D", "AvgPool1D": "AveragePooling1D",
            "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
            "GlobalMaxPool1D": "GlobalMaxPooling1D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
            "GlobalAvgPool2D": "GlobalAveragePooling2D", "Convolution2D": "Conv2D",
            "Convolution1D": "Conv1D", "GroupQueryAttention": "GroupedQueryAttention",
            "add": "Add", "subtract": "Subtract", "multiply": "Multiply",
            "average": "Average", "maximum": "Maximum", "minimum": "Minimum",
            "concatenate": "Concatenate", "dot": "Dot", "Input": "InputLayer",
            "Model": "Functional"}
NAME_LABELS = {"Dense": "Dense", "Conv2D": "Conv", "MaxPooling2D": "Pool", "MaxPool2D": "Pool",
               "Flatten": "Flat", "Dropout": "Drop", "Activation": "Act", "Input": "In",
               "InputLayer": "In", "Sequential": "Block", "Model": "Net"}
# Rarely, explicit names in Chinese (double-width cells in the table).
CJK_LABELS = {"Dense": "全连接", "Conv2D": "卷积", "MaxPooling2D": "池化",
              "MaxPool2D": "池化", "Flatten": "展平", "Dropout": "丢弃",
              "Activation": "激活", "Input": "输入", "InputLayer": "输入",
              "Sequential": "模块", "Model": "模型", "LSTM": "长短期记忆",
              "Embedding": "嵌入", "Add": "相加", "MultiHeadAttention": "注意力"}


def _snake(name: str) -> str:
    """Keras' automatic-name prefix of a class (``to_snake_case``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def prefix(kind: str) -> str:
    """Automatic name prefix of the layer a symbol makes: ``conv2d_transpose``."""
    return {"Input": "input_layer", "Sequential": "sequential",
            "Model": "functional"}.get(kind) or _snake(CLASS_OF.get(kind, kind))


def _tuple(values) -> str:
    """Python source for a tuple, e.g. ``(16,)`` or ``(28, 28, 1)``."""
    return repr(tuple(values))


def _known(shape) -> bool:
    return all(d is not None for d in shape)


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def _conv_len(size, k, s, d, padding):
    """Output length of a convolution or pooling window (None stays None)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (k - 1) * d - 1) // s + 1
    return (size - 1) // s + 1  # same, causal


def _deconv_len(size, k, s, padding, output_padding):
    if size is None:
        return None
    if output_padding is None:
        return size * s + max(k - s, 0) if padding == "valid" else size * s
    pad = k // 2 if padding == "same" else 0
    return (size - 1) * s + k - 2 * pad + output_padding


class _Step:
    """One element of a chain: a layer expression, a nested model variable, or a
    construct of several calls (functional models only) written by ``emit``."""

    def __init__(self, expr: str, kind: str, shape: tuple, name: str | None,
                 nested: bool = False, emit=None):
        self.expr, self.kind, self.shape, self.name = expr, kind, shape, name
        self.nested, self.emit = nested, emit
        self.forks = True  # a construct whose graph is not a plain chain


# Layers that take one tensor of a given rank (batch excluded), with weights.
_ANY_RANK = [("Dense", 6), ("Dropout", 1), ("Activation", 1), ("BatchNormalization", 1),
             ("LayerNormalization", 1), ("UnitNormalization", 0.3), ("RMSNormalization", 0.3),
             ("GroupNormalization", 0.4), ("GaussianNoise", 0.3), ("GaussianDropout", 0.3),
             ("AlphaDropout", 0.2), ("ActivityRegularization", 0.3), ("ReLU", 0.4),
             ("LeakyReLU", 0.4), ("PReLU", 0.4), ("ELU", 0.3), ("Softmax", 0.3),
             ("Identity", 0.2), ("Masking", 0.2), ("Rescaling", 0.3), ("Normalization", 0.3),
             ("EinsumDense", 0.6), ("Reshape", 0.5)]
_BY_RANK = {
    1: [("RepeatVector", 0.8), ("Flatten", 0.1)],
    2: [("Conv1D", 4), ("Convolution1D", 0.3), ("Conv1DTranspose", 1),
        ("SeparableConv1D", 0.8), ("DepthwiseConv1D", 0.8), ("MaxPooling1D", 1),
        ("MaxPool1D", 0.3), ("AveragePooling1D", 0.7), ("GlobalMaxPooling1D", 0.6),
        ("GlobalAveragePooling1D", 0.8), ("AdaptiveAveragePooling1D", 0.4),
        ("AdaptiveMaxPooling1D", 0.4), ("Cropping1D", 0.5), ("UpSampling1D", 0.5),
        ("ZeroPadding1D", 0.5), ("SpatialDropout1D", 0.4), ("Flatten", 1.5),
        ("Permute", 0.4), ("SimpleRNN", 1.2), ("LSTM", 2), ("GRU", 1.5),
        ("Bidirectional", 1.5), ("TimeDistributed", 1)],
    3: [("Conv2D", 5), ("Convolution2D", 0.2), ("Conv2DTranspose", 1),
        ("SeparableConv2D", 0.8), ("DepthwiseConv2D", 0.8), ("MaxPooling2D", 1.5),
        ("MaxPool2D", 0.7), ("AveragePooling2D", 0.6), ("AvgPool2D", 0.3),
        ("GlobalMaxPooling2D", 0.5), ("GlobalAveragePooling2D", 0.8),
        ("GlobalAvgPool2D", 0.2), ("AdaptiveAveragePooling2D", 0.4),
        ("AdaptiveMaxPooling2D", 0.4), ("Cropping2D", 0.5), ("UpSampling2D", 0.5),
        ("ZeroPadding2D", 0.5), ("SpatialDropout2D", 0.4), ("Flatten", 3), ("Permute", 0.3),
        ("Resizing", 0.4), ("CenterCrop", 0.4), ("RandomFlip", 0.3), ("RandomRotation", 0.3),
        ("RandomZoom", 0.3), ("RandomContrast", 0.3), ("RandomTranslation", 0.2),
        ("RandomCrop", 0.2), ("RandomBrightness", 0.2), ("ConvLSTM1D", 0.4),
        ("TimeDistributed", 0.3)],
    4: [("Conv3D", 4), ("Conv3DTranspose", 0.8), ("MaxPooling3D", 1), ("AveragePooling3D", 0.6),
        ("GlobalMaxPooling3D", 0.6), ("GlobalAveragePooling3D", 0.6),
        ("AdaptiveAveragePooling3D", 0.4), ("AdaptiveMaxPooling3D", 0.4), ("Cropping3D", 0.8),
        ("UpSampling3D", 0.8), ("ZeroPadding3D", 0.6), ("SpatialDropout3D", 0.3),
        ("Flatten", 2), ("ConvLSTM2D", 1), ("TimeDistributed", 1), ("Permute", 0.2)],
}
# Multi-tensor constructs, functional models only (rank -> weights).
_CONSTRUCTS = {
    1: [("residual", 1), ("fork", 1.2), ("dot", 0.4)],
    2: [("residual", 1), ("fork", 1), ("dot", 0.3), ("mha", 1.2), ("gqa", 0.5),
        ("attention", 0.8), ("additive_attention", 0.8), ("rnn_state", 0.8),
        ("bidirectional_split", 0.3)],
    3: [("residual", 1), ("fork", 1)],
    4: [("residual", 0.6), ("fork", 0.6)],
}
MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")
RNNS = ("SimpleRNN", "LSTM", "GRU")


class _ScriptBuilder:
    """Accumulates the source lines of one script while tracking shapes."""

    def __init__(self, rng: random.Random, style: str):
        self.rng, self.style = rng, style
        self.lines: list[str] = []
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        self.nested_vars: list[str] = []
        # A mask is made (Embedding(mask_zero=True), Masking): where it reaches a layer's
        # call, that node gets a second input, so the graph may not be sequential-like.
        self.masked = False

    # -- small helpers -------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def choice(self, seq):
        return self.rng.choice(seq)

    def weighted(self, pairs):
        kinds, weights = zip(*pairs)
        return self.rng.choices(kinds, weights)[0]

    def sym(self, name: str) -> str:
        """Spelling of ``name`` in this script's import style."""
        self.used.add(name)
        _, layers, input_, sequential, model = STYLES[self.style]
        return {"Input": input_, "Sequential": sequential, "Model": model}.get(
            name, layers + name)

    def var(self, stem: str) -> str:
        """A fresh Python variable name: ``x``, ``x1``, ``x2``..."""
        n = self.counters.get("var:" + stem, 0)
        self.counters["var:" + stem] = n + 1
        return stem if n == 0 else f"{stem}{n}"

    def explicit_name(self, kind: str) -> str:
        """A unique explicit layer name that cannot clash with automatic ones."""
        labels = CJK_LABELS if self.chance(0.1) else NAME_LABELS
        label = labels.get(kind) or NAME_LABELS.get(kind) or kind[:1].upper() + kind[1:]
        n = self.counters.get(label, 0) + 1
        self.counters[label] = n
        return f"{label}_{n}"

    def header(self) -> str:
        head = STYLES[self.style][0]
        return head if head else _from_imports(self.style, self.used)

    def call(self, kind: str, args: list[str]) -> str:
        return f"{self.sym(kind)}({', '.join(args)})"

    def apply(self, step: _Step, x: str) -> str:
        """Write ``out = step(x)`` (or the step's construct); return ``out``."""
        if step.emit:
            return step.emit(x)
        out = self.var("x")
        self.lines.append(f"{out} = {step.expr}({x})")
        return out

    # -- layers --------------------------------------------------------------
    def layer(self, shape: tuple, kind: str | None = None, functional: bool = False) -> _Step:
        """A random layer (of ``kind`` if given) valid for input ``shape``.

        Shapes exclude the batch dimension.  ``functional`` allows constructs
        of several calls (merges, attention, RNN states).
        """
        rank = len(shape)
        if kind is None and functional and self.chance(0.18):
            for _ in range(4):
                construct = self.weighted(_CONSTRUCTS[min(rank, 4)])
                step = getattr(self, "_c_" + construct)(shape)
                if step is not None:
                    return step
        pairs = _ANY_RANK + _BY_RANK.get(rank, [])
        if None in shape:
            pairs = [p for p in pairs if p[0] not in ("Flatten", "Reshape")]
        if rank == 1 and self.chance(0.5):
            pairs = [("Dense", 1)]  # MLPs are mostly Dense
        for attempt in range(12):
            k = kind if kind and attempt == 0 else self.weighted(pairs)
            made = getattr(self, "_" + k.lower())(shape)
            if made is not None:
                break
        else:
            k, made = "Dropout", self._dropout(shape)
        args, out = made
        name = None
        if self.chance(0.15):
            name = self.explicit_name(k)
            args.append(f"name={name!r}")
        if k in ("Dense", "Conv2D", "LSTM", "Conv1D") and self.chance(0.08):
            args.append("trainable=False")
        return _Step(self.call(k, args), k, out, name)

    # core -------------------------------------------------------------------
    def _dense(self, shape):
        fan_in = shape[-1]
        if fan_in is None:
            return None
        units = self.choice([u for u in UNITS if u * fan_in <= 2_000_000] or [1])
        args = [f"units={units}" if self.chance(0.3) else str(units)]
        if self.chance(0.6):
            args.append(f"activation={self.choice(ACTIVATIONS)!r}")
        if self.chance(0.15):
            args.append("use_bias=False")
        return args, shape[:-1] + (units,)

    def _einsumdense(self, shape):
        if shape[-1] is None or len(shape) > 3:
            return None
        units = self.choice(SMALL_UNITS + (64,))
        letters = "bcdefg"[:len(shape)]
        if len(shape) >= 2 and self.chance(0.4):  # split the last axis into heads
            heads = self.choice((2, 4))
            eq = f"a{letters},{letters[-1]}hk->a{letters[:-1]}hk"
            out_shape = shape[:-1] + (heads, units)
            spec = tuple(None if self.chance(0.3) and i == 0 else d
                         for i, d in enumerate(out_shape))
            bias = self.choice((None, "k", "hk"))
        else:
            eq = f"a{letters},{letters[-1]}z->a{letters[:-1]}z"
            out_shape = shape[:-1] + (units,)
            spec = units if len(shape) == 1 and self.chance(0.5) else tuple(
                None if self.chance(0.3) and i < len(out_shape) - 1 else d
                for i, d in enumerate(out_shape))
            bias = self.choice((None, "z"))
        if isinstance(spec, tuple) and shape[0] is None:
            spec = (None,) + spec[1:]
        args = [repr(eq), f"output_shape={spec!r}" if self.chance(0.5) else repr(spec)]
        if bias:
            args.append(f"bias_axes={bias!r}")
        if self.chance(0.3):
            args.append(f"activation={self.choice(ACTIVATIONS)!r}")
        return args, out_shape

    def _masking(self, shape):
        self.masked = True
        return ([f"mask_value={self.choice((0.0, -1.0))}"] if self.chance(0.5) else []), shape

    def _identity(self, shape):
        return [], shape

    def _embedding(self, shape):
        vocab = self.choice((10, 50, 100, 1000, 5000))
        dim = self.choice((2, 4, 8, 16, 32, 64))
        args = ([f"input_dim={vocab}", f"output_dim={dim}"] if self.chance(0.4)
                else [str(vocab), str(dim)])
        if self.chance(0.3):
            args.append("mask_zero=True")
            self.masked = True
        return args, shape + (dim,)

    # activations and regularization ---------------------------------------
    def _dropout(self, shape):
        return [repr(self.choice((0.1, 0.2, 0.25, 0.3, 0.5)))], shape

    def _activation(self, shape):
        return [repr(self.choice(ACTIVATIONS))], shape

    def _relu(self, shape):
        args = []
        if self.chance(0.4):
            args.append(f"max_value={self.choice((1.0, 6.0))}")
        if self.chance(0.3):
            args.append("negative_slope=0.1")
        return args, shape

    def _leakyrelu(self, shape):
        return ([f"negative_slope={self.choice((0.01, 0.2, 0.3))}"] if self.chance(0.6)
                else []), shape

    def _prelu(self, shape):
        args = []
        if len(shape) >= 2 and self.chance(0.5):
            axes = list(range(1, len(shape)))
            args.append(f"shared_axes={axes!r}")
            need = shape[-1:]
        else:
            need = shape
        if not _known(need):
            return None
        return args, shape

    def _elu(self, shape):
        return ([f"alpha={self.choice((0.5, 1.0))}"] if self.chance(0.5) else []), shape

    def _softmax(self, shape):
        return (["axis=-1"] if self.chance(0.3) else []), shape

    def _gaussiannoise(self, shape):
        return [repr(self.choice((0.01, 0.1, 0.5)))], shape

    def _gaussiandropout(self, shape):
        return [repr(self.choice((0.1, 0.3)))], shape

    def _alphadropout(self, shape):
        return [repr(self.choice((0.05, 0.1)))], shape

    def _activityregularization(self, shape):
        return [self.choice(("l1=0.01", "l2=0.001", "l1=0.01, l2=0.01"))], shape

    def _spatialdropout(self, shape, rank):
        if len(shape) != rank:
            return None
        return [repr(self.choice((0.1, 0.2)))], shape

    def _spatialdropout1d(self, shape):
        return self._spatialdropout(shape, 2)

    def _spatialdropout2d(self, shape):
        return self._spatialdropout(shape, 3)

    def _spatialdropout3d(self, shape):
        return self._spatialdropout(shape, 4)

    # normalization and preprocessing ----------------------------------------
    def _axis(self, shape):
        """-1, or (for rank >= 2, sometimes) the channels-first axis 1."""
        if len(shape) >= 2 and shape[0] is not None and self.chance(0.15):
            return 1, shape[0]
        return -1, shape[-1]

    def _batchnormalization(self, shape):
        axis, c = self._axis(shape)
        if c is None:
            return None
        args = [f"axis={axis}"] if axis != -1 or self.chance(0.2) else []
        if self.chance(0.2):
            args.append("center=False")
        if self.chance(0.2):
            args.append("scale=False")
        if self.chance(0.2):
            args.append("momentum=0.9")
        return args, shape

    def _layernormalization(self, shape):
        if shape[-1] is None:
            return None
        args = []
        if len(shape) >= 2 and shape[-2] is not None and self.chance(0.15):
            args.append("axis=[-2, -1]")
        elif self.chance(0.2):
            args.append("axis=-1")
        if self.chance(0.2):
            args.append(self.choice(("center=False", "scale=False", "rms_scaling=True")))
        if self.chance(0.2):
            args.append("epsilon=1e-6")
        return args, shape

    def _groupnormalization(self, shape):
        c = shape[-1]
        if c is None:
            return None
        groups = self.choice(_divisors(c)[:6])
        args = [f"groups={groups}"]
        if self.chance(0.2):
            args.append("center=False")
        return args, shape

    def _rmsnormalization(self, shape):
        if shape[-1] is None:
            return None
        return (["epsilon=1e-5"] if self.chance(0.3) else []), shape

    def _unitnormalization(self, shape):
        return (["axis=-1"] if self.chance(0.3) else []), shape

    def _rescaling(self, shape):
        args = [self.choice(("1.0 / 255", "scale=1 / 127.5", "0.5"))]
        if self.chance(0.3):
            args.append("offset=-1.0")
        return args, shape

    def _normalization(self, shape):
        if shape[-1] is None:
            return None
        if self.chance(0.4):
            return ["mean=0.5", "variance=0.25"], shape
        return (["axis=-1"] if self.chance(0.4) else []), shape

    def _resizing(self, shape):
        if len(shape) != 3:
            return None
        h, w = self.choice((8, 16, 24, 32)), self.choice((8, 16, 32))
        args = [str(h), str(w)]
        if self.chance(0.3):
            args.append(f"interpolation={self.choice(('nearest', 'bilinear'))!r}")
        if self.chance(0.2):
            args.append("crop_to_aspect_ratio=True")
        return args, (h, w, shape[2])

    def _crop_hw(self, shape):
        if len(shape) != 3 or not _known(shape[:2]):
            return None
        return self.rng.randint(1, shape[0]), self.rng.randint(1, shape[1])

    def _centercrop(self, shape):
        hw = self._crop_hw(shape)
        return hw and ([str(hw[0]), str(hw[1])], hw + shape[2:])

    def _randomcrop(self, shape):
        hw = self._crop_hw(shape)
        return hw and ([str(hw[0]), str(hw[1])], hw + shape[2:])

    def _randomflip(self, shape):
        if len(shape) != 3:
            return None
        return ([repr(self.choice(("horizontal", "vertical", "horizontal_and_vertical")))]
                if self.chance(0.6) else []), shape

    def _randomrotation(self, shape):
        return (len(shape) == 3 or None) and ([repr(self.choice((0.1, 0.2)))], shape)

    def _randomzoom(self, shape):
        return (len(shape) == 3 or None) and ([repr(self.choice((0.1, 0.2)))], shape)

    def _randomcontrast(self, shape):
        return (len(shape) == 3 or None) and ([repr(self.choice((0.1, 0.5)))], shape)

    def _randomtranslation(self, shape):
        return (len(shape) == 3 or None) and (["0.1", "0.2"], shape)

    def _randombrightness(self, shape):
        return (len(shape) == 3 or None) and ([repr(self.choice((0.1, 0.2)))], shape)

    # reshaping ---------------------------------------------------------------
    def _flatten(self, shape):
        if None in shape:
            return None
        return [], (math.prod(shape),)

    def _reshape(self, shape):
        if None in shape:
            return None
        total = math.prod(shape)
        rank = self.choice((1, 2, 2, 3))
        dims = []
        left = total
        for _ in range(rank - 1):
            d = self.choice([d for d in _divisors(left) if d <= 64] or [1])
            dims.append(d)
            left //= d
        dims.append(left)
        self.rng.shuffle(dims)
        target = list(dims)
        if self.chance(0.4):
            target[self.rng.randrange(len(target))] = -1
        return [_tuple(target) if self.chance(0.6) else f"target_shape={_tuple(target)}"], tuple(dims)

    def _permute(self, shape):
        if len(shape) < 2:
            return None
        dims = list(range(1, len(shape) + 1))
        while dims == sorted(dims):
            self.rng.shuffle(dims)
        return [_tuple(dims)], tuple(shape[d - 1] for d in dims)

    def _repeatvector(self, shape):
        if len(shape) != 1:
            return None
        n = self.choice((2, 3, 5, 10))
        return [str(n)], (n,) + shape

    def _spatial(self, shape, n):
        """(channels_first?, spatial dims, channels) for an n-D layer, or None."""
        if len(shape) != n + 1:
            return None
        if self.chance(0.1) and shape[0] is not None:
            return True, shape[1:], shape[0]
        return False, shape[:-1], shape[-1]

    def _fmt(self, cf, args):
        if cf:
            args.append("data_format='channels_first'")
        elif self.chance(0.05):
            args.append("data_format='channels_last'")
        return args

    def _rebuild(self, cf, sp, c):
        return (c,) + tuple(sp) if cf else tuple(sp) + (c,)

    def _pair_arg(self, n, pairs):
        """Cropping / padding argument for ``n`` dims of (before, after) pairs."""
        if all(a == b for a, b in pairs) and len({a for a, _ in pairs}) == 1 and self.chance(0.5):
            return str(pairs[0][0])
        if n == 1:
            return _tuple(pairs[0])
        if all(a == b for a, b in pairs) and self.chance(0.5):
            return _tuple(a for a, _ in pairs)
        return repr(tuple(tuple(p) for p in pairs))

    def _cropping(self, shape, n):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        if n == 1:
            cf = False
            sp, c = shape[:-1], shape[-1]
        pairs, out = [], []
        for size in sp:
            if size is None:
                a = b = 0 if self.chance(0.5) else 1
                out.append(None)
            else:
                if size < 2:
                    return None
                a = self.rng.randint(0, min(3, (size - 1) // 2))
                b = a if self.chance(0.5) else self.rng.randint(0, min(3, (size - 1) // 2))
                out.append(size - a - b)
            pairs.append((a, b))
        args = [self._pair_arg(n, pairs)]
        if n > 1:
            self._fmt(cf, args)
        return args, self._rebuild(cf, out, c)

    def _cropping1d(self, shape):
        return self._cropping(shape, 1)

    def _cropping2d(self, shape):
        return self._cropping(shape, 2)

    def _cropping3d(self, shape):
        return self._cropping(shape, 3)

    def _zeropadding(self, shape, n):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        if n == 1:
            cf, sp, c = False, shape[:-1], shape[-1]
        pairs = []
        for _ in sp:
            a = self.choice((1, 1, 2, 3))
            pairs.append((a, a if self.chance(0.6) else self.choice((0, 1, 2))))
        out = [None if s is None else s + a + b for s, (a, b) in zip(sp, pairs)]
        args = [self._pair_arg(n, pairs)] if self.chance(0.85) else []
        if not args:
            pairs = [(1, 1)] * n
            out = [None if s is None else s + 2 for s in sp]
        if n > 1:
            self._fmt(cf, args)
        return args, self._rebuild(cf, out, c)

    def _zeropadding1d(self, shape):
        return self._zeropadding(shape, 1)

    def _zeropadding2d(self, shape):
        return self._zeropadding(shape, 2)

    def _zeropadding3d(self, shape):
        return self._zeropadding(shape, 3)

    def _upsampling(self, shape, n):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        if n == 1:
            cf, sp, c = False, shape[:-1], shape[-1]
        if any(s is not None and s > 64 for s in sp):
            return None
        sizes = [self.choice((2, 2, 3))] * n if self.chance(0.7) else [
            self.choice((1, 2, 3)) for _ in sp]
        out = [None if s is None else s * k for s, k in zip(sp, sizes)]
        if sizes == [2] * n and self.chance(0.4):
            args = []
        elif n == 1 or len(set(sizes)) == 1 and self.chance(0.5):
            args = [f"size={sizes[0]}" if self.chance(0.5) else str(sizes[0])]
        else:
            args = [f"size={_tuple(sizes)}"]
        if n == 2 and self.chance(0.2):
            args.append("interpolation='bilinear'")
        if n > 1:
            self._fmt(cf, args)
        return args, self._rebuild(cf, out, c)

    def _upsampling1d(self, shape):
        return self._upsampling(shape, 1)

    def _upsampling2d(self, shape):
        return self._upsampling(shape, 2)

    def _upsampling3d(self, shape):
        return self._upsampling(shape, 3)

    # convolution -------------------------------------------------------------
    def _conv(self, shape, n, kind):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        if c is None:
            return None
        transpose = kind.endswith("Transpose")
        depthwise = kind.startswith("Depthwise")
        separable = kind.startswith("Separable")
        plain = not (transpose or depthwise or separable)
        for _ in range(25):
            filters = self.choice((1, 2, 4, 8, 16, 32, 64))
            k0 = self.choice((1, 2, 3, 3, 3, 5))
            ks = [k0] * n if self.chance(0.8) else [self.choice((1, 2, 3)) for _ in range(n)]
            stride = self.choice((1, 1, 1, 2))
            strides = [stride] * n
            dil = 2 if stride == 1 and self.chance(0.15) else 1
            paddings = ("valid", "same", "causal") if kind == "Conv1D" else ("valid", "same")
            padding = self.choice(paddings)
            groups = 1
            if plain and c > 1 and self.chance(0.15):
                groups = self.choice([g for g in _divisors(c) if g > 1])
                filters = groups * self.choice((1, 2, 4))
            dm = self.choice((1, 1, 2, 3)) if depthwise or separable else 1
            output_padding = None
            if transpose and stride > 1 and self.chance(0.3):
                output_padding = self.rng.randrange(stride)
            if transpose:
                dil = 1 if stride > 1 else dil
                out = [_deconv_len(s, k + (k - 1) * (dil - 1), stride, padding, output_padding)
                       for s, k in zip(sp, ks)]
            else:
                out = [_conv_len(s, k, stride, dil, padding) for s, k in zip(sp, ks)]
            out_c = c * dm if depthwise else filters
            size = math.prod(ks) * c * (filters if not depthwise else dm)
            if (all(o is None or o >= 1 for o in out) and size <= 400_000
                    and all(o is None or o <= 256 for o in out)
                    and math.prod(o or 1 for o in out) * out_c <= 2_000_000):
                break
        else:
            return None
        ktext = str(ks[0]) if len(set(ks)) == 1 and self.chance(0.5) else _tuple(ks)
        if depthwise:
            args = [f"kernel_size={ktext}" if self.chance(0.5) else ktext]
        elif self.chance(0.5):
            args = [f"filters={filters}", f"kernel_size={ktext}"]
        else:
            args = [str(filters), ktext]
        if stride != 1 or self.chance(0.2):
            args.append(f"strides={stride}" if self.chance(0.5) else f"strides={_tuple(strides)}")
        if padding != "valid" or self.chance(0.3):
            args.append(f"padding={padding!r}")
        if output_padding is not None:
            args.append(f"output_padding={output_padding}")
        if dil != 1:
            args.append(f"dilation_rate={dil}")
        if groups != 1:
            args.append(f"groups={groups}")
        if dm != 1 or (depthwise or separable) and self.chance(0.2):
            args.append(f"depth_multiplier={dm}")
        self._fmt(cf, args)
        if self.chance(0.5):
            args.append(f"activation={self.choice(ACTIVATIONS)!r}")
        if self.chance(0.1):
            args.append("use_bias=False")
        return args, self._rebuild(cf, out, out_c)

    def _conv1d(self, shape):
        return self._conv(shape, 1, "Conv1D")

    def _convolution1d(self, shape):
        return self._conv(shape, 1, "Convolution1D")

    def _conv2d(self, shape):
        return self._conv(shape, 2, "Conv2D")

    def _convolution2d(self, shape):
        return self._conv(shape, 2, "Convolution2D")

    def _conv3d(self, shape):
        return self._conv(shape, 3, "Conv3D")

    def _conv1dtranspose(self, shape):
        return self._conv(shape, 1, "Conv1DTranspose")

    def _conv2dtranspose(self, shape):
        return self._conv(shape, 2, "Conv2DTranspose")

    def _conv3dtranspose(self, shape):
        return self._conv(shape, 3, "Conv3DTranspose")

    def _separableconv1d(self, shape):
        return self._conv(shape, 1, "SeparableConv1D")

    def _separableconv2d(self, shape):
        return self._conv(shape, 2, "SeparableConv2D")

    def _depthwiseconv1d(self, shape):
        return self._conv(shape, 1, "DepthwiseConv1D")

    def _depthwiseconv2d(self, shape):
        return self._conv(shape, 2, "DepthwiseConv2D")

    # pooling -----------------------------------------------------------------
    def _pool(self, shape, n, default=False):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        known = [s for s in sp if s is not None]
        if known and min(known) < 2:
            return None
        pool = self.choice((2, 2, 3)) if not known or min(known) >= 3 else 2
        stride = self.choice((None, None, 1, 2, pool))
        padding = self.choice(("valid", "valid", "same"))
        out = [_conv_len(s, pool, stride or pool, 1, padding) for s in sp]
        args = []
        if pool != 2 or self.chance(0.5) or not default:  # only MaxPooling2D has a default
            args.append(self.choice((str(pool), _tuple([pool] * n), f"pool_size={pool}",
                                     f"pool_size={_tuple([pool] * n)}")))
        if stride is not None or self.chance(0.2):
            args.append(f"strides={stride}" if stride is None or self.chance(0.5)
                        else f"strides={_tuple([stride] * n)}")
        if padding == "same" or self.chance(0.2):
            args.append(f"padding={padding!r}")
        self._fmt(cf, args)
        return args, self._rebuild(cf, out, c)

    def _maxpooling1d(self, shape):
        return self._pool(shape, 1)

    _maxpool1d = _maxpooling1d
    _averagepooling1d = _maxpooling1d

    def _maxpooling2d(self, shape):
        return self._pool(shape, 2, default=True)

    _maxpool2d = _maxpooling2d

    def _averagepooling2d(self, shape):
        return self._pool(shape, 2)

    _avgpool2d = _averagepooling2d

    def _maxpooling3d(self, shape):
        return self._pool(shape, 3)

    _averagepooling3d = _maxpooling3d

    def _global(self, shape, n):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        args = self._fmt(cf, [])
        if self.chance(0.25):
            args.append("keepdims=True")
            return args, self._rebuild(cf, [1] * n, c)
        return args, (c,)

    def _globalmaxpooling1d(self, shape):
        return self._global(shape, 1)

    _globalaveragepooling1d = _globalmaxpooling1d

    def _globalmaxpooling2d(self, shape):
        return self._global(shape, 2)

    _globalaveragepooling2d = _globalavgpool2d = _globalmaxpooling2d

    def _globalmaxpooling3d(self, shape):
        return self._global(shape, 3)

    _globalaveragepooling3d = _globalmaxpooling3d

    def _adaptive(self, shape, n):
        got = self._spatial(shape, n)
        if got is None:
            return None
        cf, sp, c = got
        if not _known(sp):
            return None
        if self.chance(0.5):
            o = self.rng.randint(1, min(min(sp), 8))
            sizes = [o] * n
            arg = str(o) if self.chance(0.7) else _tuple(sizes)
        else:
            sizes = [self.rng.randint(1, min(s, 8)) for s in sp]
            arg = _tuple(sizes)
        args = [arg if self.chance(0.5) else f"output_size={arg}"]
        self._fmt(cf, args)
        return args, self._rebuild(cf, sizes, c)

    def _adaptiveaveragepooling1d(self, shape):
        return self._adaptive(shape, 1)

    _adaptivemaxpooling1d = _adaptiveaveragepooling1d

    def _adaptiveaveragepooling2d(self, shape):
        return self._adaptive(shape, 2)

    _adaptivemaxpooling2d = _adaptiveaveragepooling2d

    def _adaptiveaveragepooling3d(self, shape):
        return self._adaptive(shape, 3)

    _adaptivemaxpooling3d = _adaptiveaveragepooling3d

    # recurrent ---------------------------------------------------------------
    def _rnn_args(self, kind, shape, sequences=None, wrapped=False):
        units = self.choice((1, 2, 4, 8, 16, 32, 64))
        seq = self.chance(0.5) if sequences is None else sequences
        args = [f"units={units}" if self.chance(0.3) else str(units)]
        if seq:
            args.append("return_sequences=True")
        elif self.chance(0.1):
            args.append("return_sequences=False")
        if self.chance(0.1) and not wrapped:  # Bidirectional wants it False
            args.append("go_backwards=True")
        if self.chance(0.15):
            args.append("use_bias=False")
        if kind == "GRU" and self.chance(0.25):
            args.append("reset_after=False")
        if self.chance(0.15):
            args.append(f"dropout={self.choice((0.1, 0.2))}")
        if self.chance(0.15):
            args.append(f"activation={self.choice(('relu', 'tanh'))!r}")
        return args, units, seq

    def _rnn(self, shape, kind):
        if len(shape) != 2 or shape[-1] is None:
            return None
        args, units, seq = self._rnn_args(kind, shape)
        return args, (shape[0], units) if seq else (units,)

    def _simplernn(self, shape):
        return self._rnn(shape, "SimpleRNN")

    def _lstm(self, shape):
        return self._rnn(shape, "LSTM")

    def _gru(self, shape):
        return self._rnn(shape, "GRU")

    def _bidirectional(self, shape, merge_mode=False):
        if len(shape) != 2 or shape[-1] is None:
            return None
        kind = self.choice(RNNS)
        inner, units, seq = self._rnn_args(kind, shape, wrapped=True)
        mode = self.choice(("concat", "concat", "sum", "mul", "ave")) if merge_mode is False \
            else merge_mode
        args = [self.call(kind, inner)]
        if mode != "concat" or self.chance(0.3):
            args.append(f"merge_mode={mode!r}")
        width = units * 2 if mode == "concat" else units
        return args, (shape[0], width) if seq else (width,)

    def _timedistributed(self, shape):
        if len(shape) < 2:
            return None
        inner_shape = shape[1:]
        for _ in range(5):
            kind = self.choice(("Dense", "Dense", "Conv2D", "MaxPooling2D", "Flatten",
                                "Dropout", "Conv1D", "BatchNormalization"))
            made = getattr(self, "_" + kind.lower())(inner_shape)
            if made is not None:
                break
        else:
            return None
        inner_args, out = made
        if None in out[:-1] and kind == "Flatten":
            return None
        return [self.call(kind, inner_args)], (shape[0],) + tuple(out)

    def _convlstm(self, shape, n):
        if len(shape) != n + 2:
            return None
        cf = self.chance(0.1) and shape[1] is not None
        sp, c = (shape[2:], shape[1]) if cf else (shape[1:-1], shape[-1])
        if c is None or not _known(sp):  # Keras wants static spatial sizes
            return None
        for _ in range(10):
            filters = self.choice((1, 2, 4, 8, 16))
            k = self.choice((1, 2, 3, 3))
            stride = self.choice((1, 1, 2))
            padding = self.choice(("valid", "same"))
            out = [_conv_len(s, k, stride, 1, padding) for s in sp]
            if all(o is None or o >= 1 for o in out):
                break
        else:
            return None
        seq = self.chance(0.5)
        args = [str(filters), str(k) if self.chance(0.6) else _tuple([k] * n)]
        if stride != 1:
            args.append(f"strides={stride}")
        if padding != "valid" or self.chance(0.3):
            args.append(f"padding={padding!r}")
        if seq:
            args.append("return_sequences=True")
        self._fmt(cf, args)
        inner = (filters,) + tuple(out) if cf else tuple(out) + (filters,)
        return args, (shape[0],) + inner if seq else inner

    def _convlstm1d(self, shape):
        return self._convlstm(shape, 1)

    def _convlstm2d(self, shape):
        return self._convlstm(shape, 2)

    # constructs of several calls (functional models) -------------------------
    def _line(self, expr: str, stem: str = "x") -> str:
        out = self.var(stem)
        self.lines.append(f"{out} = {expr}")
        return out

    def _named(self, kind: str, args: list[str]) -> tuple[str, str | None]:
        name = self.explicit_name(kind) if self.chance(0.12) else None
        if name:
            args = args + [f"name={name!r}"]
        return self.call(kind, args), name

    def _width_op(self, shape, units) -> str:
        """A layer giving ``shape`` a last axis of ``units``, other axes kept."""
        rank = len(shape)
        if rank in (2, 3, 4) and self.chance(0.5):
            conv = {2: "Conv1D", 3: "Conv2D", 4: "Conv3D"}[rank]
            k = self.choice((1, 3)) if rank < 4 else 1
            act = f", activation={self.choice(ACTIVATIONS)!r}" if self.chance(0.3) else ""
            return f"{self.sym(conv)}({units}, {k}, padding='same'{act})"
        act = f", activation={self.choice(ACTIVATIONS)!r}" if self.chance(0.4) else ""
        return f"{self.sym('Dense')}({units}{act})"

    def _keep_op(self, shape) -> str:
        """A layer that keeps ``shape``."""
        kind = self.choice(("BatchNormalization", "LayerNormalization", "Activation",
                            "Dropout", "ReLU"))
        args, _ = getattr(self, "_" + kind.lower())(shape)
        return self.call(kind, args)

    def _merge_expr(self, kind: str, tensors: list[str], extra: list[str]) -> tuple[str, str | None]:
        """``Add()([a, b])`` or the function form ``add([a, b])``."""
        lst = "[" + ", ".join(tensors) + "]"
        if self.chance(0.35):
            return f"{self.sym(kind.lower())}({', '.join([lst] + extra)})", None
        expr, name = self._named(kind, extra)
        return f"{expr}({lst})", name

    def _c_residual(self, shape):
        c = shape[-1]
        if c is None:
            return None
        body = [self._width_op(shape, c)]
        if self.chance(0.5):
            body.insert(0 if self.chance(0.5) else 1, self._keep_op(shape))
        kind = self.choice(MERGES[:1] * 4 + MERGES[1:])
        info = {}

        def emit(x):
            y = x
            for expr in body:
                y = self._line(f"{expr}({y})", "r")
            expr, info["name"] = self._merge_expr(kind, [x, y], [])
            return self._line(expr)

        return self._construct(kind, shape, emit, info)

    def _construct(self, kind, shape, emit, info):
        step = _Step("", kind, shape, None, emit=None)

        def run(x):
            out = emit(x)
            step.name = info.get("name")
            return out

        step.emit = run
        return step

    def _c_fork(self, shape):
        if shape[-1] is None:
            return None
        n = self.choice((2, 2, 2, 3))
        concat = self.chance(0.5)
        if concat:
            widths = [self.choice(SMALL_UNITS) for _ in range(n)]
            axis = -1
            if len(shape) >= 2 and shape[0] is not None and self.chance(0.25):
                axis, widths = 1, [widths[0]] * n
            out = shape[:-1] + (sum(widths),) if axis == -1 else (
                (shape[0] * n,) + shape[1:-1] + (widths[0],))
            kind = "Concatenate"
        else:
            kind = self.choice(MERGES)
            if kind == "Subtract":
                n = 2
            widths = [self.choice(SMALL_UNITS)] * n
            out = shape[:-1] + (widths[0],)
        ops = []
        for w in widths:
            branch = [self._width_op(shape, w)]
            if self.chance(0.3):
                branch.append(self._keep_op(shape[:-1] + (w,)))
            ops.append(branch)
        info = {}

        def emit(x):
            tails = []
            for branch in ops:
                y = x
                for expr in branch:
                    y = self._line(f"{expr}({y})", "b")
                tails.append(y)
            extra = []
            if concat and (axis != -1 or self.chance(0.3)):
                extra.append(f"axis={axis}")
            expr, info["name"] = self._merge_expr(kind, tails, extra)
            return self._line(expr)

        return self._construct(kind, out, emit, info)

    def _c_dot(self, shape):
        if shape[-1] is None or len(shape) > 2:
            return None
        u = self.choice(SMALL_UNITS)
        if len(shape) == 1:
            axes, out = self.choice(("1", "-1", "(1, 1)")), (1,)
        elif self.chance(0.5) or shape[0] is None:
            axes, out = self.choice(("2", "(2, 2)", "-1")), (shape[0], shape[0])
        else:
            axes, out = "1", (u, u)
        extra = [f"axes={axes}"]
        if self.chance(0.3):
            extra.append("normalize=True")
        a, b = self._width_op(shape, u), self._width_op(shape, u)
        info = {}

        def emit(x):
            ya = self._line(f"{a}({x})", "q")
            yb = self._line(f"{b}({x})", "k")
            expr, info["name"] = self._merge_expr("Dot", [ya, yb], extra)
            return self._line(expr)

        return self._construct("Dot", out, emit, info)

    def _context(self, shape, same_width: bool):
        """An expression deriving a second sequence from ``x`` (cross-attention)."""
        t, f = shape
        choices = ["pool", "conv"] + ([] if same_width else ["dense"])
        how = self.choice(choices)
        if how == "pool" and (t is None or t >= 2):
            return f"{self.sym('MaxPooling1D')}(2)", f
        if how == "conv":
            return f"{self.sym('Conv1D')}({f}, 3, strides=2, padding='same')", f
        u = self.choice(SMALL_UNITS)
        return f"{self.sym('Dense')}({u})", u

    def _c_mha(self, shape):
        if shape[-1] is None:
            return None
        heads, key_dim = self.choice((1, 2, 4, 8)), self.choice((2, 4, 8, 16, 32))
        args = [f"num_heads={heads}", f"key_dim={key_dim}"] if self.chance(0.6) else [
            str(heads), str(key_dim)]
        if self.chance(0.2):
            args.append(f"value_dim={self.choice((4, 8))}")
        out = shape
        if self.chance(0.15):
            o = self.choice((4, 8, 16))
            args.append(f"output_shape={o}")
            out = shape[:-1] + (o,)
        if self.chance(0.15):
            args.append("use_bias=False")
        if self.chance(0.1):
            args.append("dropout=0.1")
        cross = self.chance(0.4)
        context = self._context(shape, False)[0] if cross else None
        info = {}

        def emit(x):
            v = self._line(f"{context}({x})", "ctx") if context else x
            layer, info["name"] = self._named("MultiHeadAttention", args)
            form = self.rng.randrange(3)
            if form == 0:
                call = f"({x}, {v})"
            elif form == 1:
                call = f"(query={x}, value={v})"
            else:
                call = f"({x}, {v}, {v})" if not context or self.chance(0.5) else f"({x}, {v}, key={v})"
            if self.chance(0.3):
                handle = self._line(layer, "mha")
                return self._line(f"{handle}{call}")
            return self._line(f"{layer}{call}")

        return self._construct("MultiHeadAttention", out, emit, info)

    def _c_gqa(self, shape):
        if shape[-1] is None:
            return None
        nkv = self.choice((1, 2, 4))
        nq = nkv * self.choice((1, 2, 4))
        head_dim = self.choice((2, 4, 8, 16))
        args = [f"head_dim={head_dim}", f"num_query_heads={nq}", f"num_key_value_heads={nkv}"]
        if self.chance(0.2):
            args.append("use_bias=False")
        # the value's last axis must equal the query's
        context = self._context(shape, True)[0] if self.chance(0.4) else None
        info = {}

        def emit(x):
            v = self._line(f"{context}({x})", "ctx") if context else x
            layer, info["name"] = self._named("GroupQueryAttention", args)
            return self._line(f"{layer}({x}, {v})" if self.chance(0.5)
                              else f"{layer}(query={x}, value={v})")

        return self._construct("GroupQueryAttention", shape, emit, info)

    def _c_attention(self, shape, kind="Attention"):
        if shape[-1] is None:
            return None
        args = []
        if self.chance(0.4):
            args.append(f"use_scale={self.chance(0.5)}")
        if kind == "Attention" and self.chance(0.3):
            args.append("score_mode='concat'")
        if self.chance(0.1):
            args.append("dropout=0.1")
        context = self._context(shape, True)[0] if self.chance(0.5) else None
        with_key = self.chance(0.3)
        info = {}

        def emit(x):
            v = self._line(f"{context}({x})", "ctx") if context else x
            layer, info["name"] = self._named(kind, args)
            tensors = [x, v, v] if with_key else [x, v]
            return self._line(f"{layer}([{', '.join(tensors)}])")

        return self._construct(kind, shape, emit, info)

    def _c_additive_attention(self, shape):
        return self._c_attention(shape, "AdditiveAttention")

    def _c_rnn_state(self, shape):
        if shape[-1] is None:
            return None
        kind = self.choice(RNNS)
        args, units, seq = self._rnn_args(kind, shape)
        args.append("return_state=True")
        n_states = 2 if kind == "LSTM" else 1
        out = (shape[0], units) if seq else (units,)
        mode = self.choice(("continue", "initial_state", "concat" if not seq else "continue"))
        if mode == "initial_state":
            args2, units2, seq2 = self._rnn_args(kind, shape)
            args2[0] = f"units={units}" if "=" in args2[0] else str(units)
            out = (shape[0], units) if seq2 else (units,)
        elif mode == "concat":
            out = (units * (1 + n_states),)
        info = {}

        def emit(x):
            layer, info["name"] = self._named(kind, args)
            names = [self.var("seq")] + [self.var("state") for _ in range(n_states)]
            self.lines.append(f"{', '.join(names)} = {layer}({x})")
            if mode == "initial_state":
                return self._line(f"{self.call(kind, args2)}({x}, initial_state="
                                  f"[{', '.join(names[1:])}])")
            if mode == "concat":
                return self._line(f"{self.sym('Concatenate')}()([{', '.join(names)}])")
            return names[0]

        step = self._construct(kind, out, emit, info)
        step.forks = mode != "continue"
        return step

    def _c_bidirectional_split(self, shape):
        made = self._bidirectional(shape, merge_mode=None)
        if made is None:
            return None
        args, out = made
        half = out[-1]
        kind = self.choice(("Concatenate", "Add", "Average"))
        out = out[:-1] + (half * 2 if kind == "Concatenate" else half,)
        info = {}

        def emit(x):
            layer, info["name"] = self._named("Bidirectional", args)
            fw, bw = self.var("fw"), self.var("bw")
            self.lines.append(f"{fw}, {bw} = {layer}({x})")
            return self._line(f"{self.call(kind, [])}([{fw}, {bw}])")

        return self._construct("Bidirectional", out, emit, info)

    # calls Keras rejects ------------------------------------------------------
    def rejected_call(self, x: str, shape: tuple) -> None:
        """Write a call Keras rejects on ``x`` (caught, so the script goes on)."""
        options = []
        rank, c = len(shape), shape[-1]
        if _known(shape):
            options.append(f"{self.sym('Reshape')}({_tuple([math.prod(shape) + 1])})({x})")
        if rank == 3 and _known(shape[:2]):
            k = max(shape[:2]) + self.choice((1, 3))
            options.append(f"{self.sym('Conv2D')}(4, {k})({x})")
            options.append(f"{self.sym('MaxPooling2D')}({k})({x})")
            options.append(f"{self.sym('Cropping2D')}({k})({x})")
        if rank == 1:
            options.append(f"{self.sym('Conv1D')}(4, 3)({x})")
            options.append(f"{self.sym('LSTM')}(4)({x})")
        if rank == 2:
            options.append(f"{self.sym('Conv2D')}(4, 3)({x})")
            options.append(f"{self.sym('Permute')}((1,))({x})")
        if c is not None:
            options.append(f"{self.sym('GroupNormalization')}(groups={c + 1})({x})")
            y = f"{self.sym('Dense')}({c + 1})({x})"
            options.append(f"{self.sym('Add')}()([{x}, {y}])")
            if rank >= 2:
                options.append(f"{self.sym('Concatenate')}(axis=1)([{x}, {y}])")
        if not options:
            return
        bad = self.var("bad")
        self.lines += ["try:", f"    {bad} = {self.choice(options)}",
                       "except ValueError as error:",
                       "    print('rejected:', isinstance(error, ValueError))",
                       "else:", "    print('accepted')"]

    # chains and models ---------------------------------------------------------
    def random_input(self) -> tuple[tuple, bool]:
        """A random input shape (batch excluded) and whether it holds integer tokens."""
        kind = self.rng.random()
        if kind < 0.3:
            return (self.choice((4, 8, 10, 16, 20, 32, 64, 100, 128, 784)),), False
        if kind < 0.6:
            h = self.choice((8, 12, 16, 28, 32))
            w = h if self.chance(0.8) else self.choice((8, 10, 20))
            if self.chance(0.1):
                h = w = None  # any image size
            return (h, w, self.choice((1, 1, 3))), False
        if kind < 0.8:
            if self.chance(0.3):
                return self.choice(((28, 28), (10, 8), (6, 4))), False
            t = None if self.chance(0.15) else self.choice((5, 10, 20, 50))
            return (t, self.choice((1, 4, 8, 16, 32))), False
        if kind < 0.88:
            return (self.choice((5, 10, 20, 100)),), True
        if self.chance(0.5):  # volumes, or short videos (ConvLSTM2D, TimeDistributed)
            return (self.choice((4, 8)), 8, 8, self.choice((1, 2, 3))), False
        return (self.choice((3, 5, None)), 12, 12, self.choice((1, 3))), False

    def input_expr(self, shape: tuple, ints: bool, kw: str = "shape", how: str = "Input",
                   name: str | None = None) -> str:
        args = [f"{kw}={_tuple(shape)}"] if kw else [_tuple(shape)]
        if ints:
            args.append(self.choice(("dtype='int32'", "dtype='int64'", "dtype='int32'")))
        if name:
            args.append(f"name={name!r}")
        return f"{self.sym(how)}({', '.join(args)})"

    def chain(self, shape: tuple, length: int, depth: int, nest_first: bool = True,
              functional: bool = False, ints: bool = False) -> list[_Step]:
        """``length`` random steps starting from ``shape``; may nest models."""
        steps: list[_Step] = []
        for i in range(length):
            if ints and i == 0:
                steps.append(self.layer(shape, kind="Embedding"))
            elif depth < 2 and (i or nest_first) and self.chance(0.12 if depth == 0 else 0.1):
                steps.append(self.nested_model(shape, depth + 1))
            else:
                steps.append(self.layer(shape, functional=functional))
            shape = steps[-1].shape
        return steps

    def nested_model(self, shape: tuple, depth: int) -> _Step:
        """Define an inner model taking ``shape`` now; return it as a step."""
        var = self.var("block")
        self.nested_vars.append(var)
        sequential = self.chance(0.5)
        steps = self.chain(shape, self.rng.randint(1, 3), depth, functional=not sequential)
        name = self.explicit_name("Sequential") if self.chance(0.2) else None
        name_kw = [f"name={name!r}"] if name else []
        if sequential:
            kind = "Sequential"
            items = [s.expr for s in steps]
            if self.chance(0.6):  # otherwise it is built when first called
                items.insert(0, f"{self.sym('Input')}(shape={_tuple(shape)})")
            args = ["[" + ", ".join(items) + "]"] + name_kw
            self.lines.append(f"{var} = {self.sym('Sequential')}({', '.join(args)})")
        else:
            kind = "Model"
            x = inp = self.var("inner_in")
            self.lines.append(f"{inp} = {self.sym('Input')}(shape={_tuple(shape)})")
            for s in steps:
                x = self.apply(s, x)
            self.lines.append(f"{var} = {self.sym('Model')}({', '.join([inp, x] + name_kw)})")
        if self.chance(0.15):
            self.lines.append(f"{var}.trainable = False")
        return _Step(var, kind, steps[-1].shape, name, nested=True)


def _positions(rng: random.Random, columns: int) -> str:
    """Random increasing relative column positions.

    Gaps of at least 0.12 keep every column >= 4 characters (else Keras
    raises) for line lengths >= 50, even scaled by 0.9 for ``show_trainable``.
    """
    while True:
        inner = sorted(round(rng.uniform(0.15, 0.88), 2) for _ in range(columns - 1))
        pos = inner + [1.0 if rng.random() < 0.85 else 0.95]
        gaps = [b - a for a, b in zip([0.0] + pos, pos)]
        if min(gaps) >= 0.12:
            return repr(pos)


def _summary_calls(b: _ScriptBuilder, model: str, seq_like: bool,
                   top: list[_Step]) -> list[str]:
    """One to three ``summary`` calls with random options."""
    calls = []
    for _ in range(b.rng.choice((1, 1, 1, 2, 3))):
        opts = []
        if b.chance(0.25):
            opts.append(f"line_length={b.rng.randint(50, 150)}")
        if b.chance(0.15) and not b.masked:
            opts.append(f"positions={_positions(b.rng, 3 if seq_like else 4)}")
        if (b.nested_vars and b.chance(0.6)) or b.chance(0.1):
            opts.append("expand_nested=True")
        if b.chance(0.3):
            opts.append("show_trainable=True")
        if len(top) >= 2 and b.chance(0.12):
            lo, hi = sorted(b.rng.sample(range(len(top)), 2))
            # Keras re.match()es each end: an automatic name starts with its prefix.
            ends = [top[j].name or prefix(top[j].kind) for j in (lo, hi)]
            opts.append(f"layer_range={ends!r}")
        calls.append(f"{model}.summary({', '.join(opts)})")
    return calls


def _with_kwarg(expr: str, kwarg: str) -> str:
    """``Dense(4)`` + ``input_dim=3`` -> ``Dense(4, input_dim=3)``."""
    return expr[:-1] + ("" if expr.endswith("()") else ", ") + kwarg + ")"


def _sequential(b: _ScriptBuilder) -> tuple[str, bool, list[_Step], bool]:
    """A Sequential model, from a list or with ``.add()``.

    Returns the model variable, whether Keras lays it out sequential-like,
    its top-level steps and whether it is built.
    """
    shape, ints = b.random_input()
    steps = b.chain(shape, b.rng.randint(1, 6), depth=0, nest_first=b.chance(0.2) and not ints,
                    ints=ints)
    hows = ("Input", "Input", "InputLayer", "kwarg", "kwarg", "build")
    if steps[0].nested or steps[0].kind.startswith("SpatialDropout"):  # no input_shape kwarg
        hows = ("Input", "InputLayer", "build")
    elif ints:
        hows = ("Input", "Input", "InputLayer", "build")
    elif not any(s.nested for s in steps) and b.chance(0.04):
        hows = ("unbuilt",)
    how = b.rng.choice(hows)
    items = [s.expr for s in steps]
    if how in ("Input", "InputLayer"):
        kw = "input_shape" if how == "InputLayer" and b.chance(0.25) else "shape"  # old spelling
        items.insert(0, b.input_expr(shape, ints, kw, how))
    elif how == "kwarg":
        dim = steps[0].kind == "Dense" and len(shape) == 1 and b.chance(0.5)
        items[0] = _with_kwarg(items[0], f"input_dim={shape[0]}" if dim
                               else f"input_shape={_tuple(shape)}")
    model = b.var("model")
    name_kw = f"name={b.explicit_name('Model')!r}" if b.chance(0.15) else ""
    if b.chance(0.5):
        body = "".join(f"\n    {item}," for item in items)
        name_arg = f", {name_kw}" if name_kw else ""
        b.lines.append(f"{model} = {b.sym('Sequential')}([{body}\n]{name_arg})")
    else:
        b.lines.append(f"{model} = {b.sym('Sequential')}({name_kw})")
        b.lines += [f"{model}.add({item})" for item in items]
    if how == "build":
        # a nested model first fixes the batch size to None
        batch = b.rng.choice((8, 32)) if b.chance(0.15) and not steps[0].nested else None
        b.lines.append(f"{model}.build({_tuple((batch,) + shape)})")
    if b.chance(0.15):
        b.lines.append(f"{model}.layers[{b.rng.randrange(len(steps))}].trainable = False")
    return model, True, steps, how != "unbuilt"


def _functional(b: _ScriptBuilder) -> tuple[str, bool, list[_Step], bool]:
    """A functional model: 1-3 input branches, maybe a shared first layer,
    merges and attention inside branches, maybe the branches merged at the end.

    Returns like :func:`_sequential`.  A single input with a single path
    (even with an intermediate tensor as a second output) is sequential-like
    unless a step forks the graph.
    """
    n_inputs = b.rng.choice((1, 1, 2, 2, 3))
    shared = n_inputs >= 2 and b.chance(0.4)
    inputs_ = [b.random_input() for _ in range(n_inputs)]
    if shared:
        inputs_[1] = inputs_[0]
    top: list[_Step] = []
    branches = []  # (tensor variable, shape, ints) per input
    for shape, ints in inputs_:
        var = b.var("inp")
        name = b.explicit_name("Input") if b.chance(0.2) else None
        b.lines.append(f"{var} = " + b.input_expr(shape, ints, "shape" if b.chance(0.7) else "",
                                                  name=name))
        branches.append((var, shape, ints))
        top.append(_Step(var, "Input", shape, name))
    inputs = [var for var, _, _ in branches]
    if shared:  # one layer called on the first two inputs
        shape, ints = inputs_[0]
        step = b.layer(shape, kind="Embedding" if ints else "Dense")
        layer_var = b.var("shared")
        b.lines.append(f"{layer_var} = {step.expr}")
        top.append(step)
        for i in (0, 1):
            out = b.var("x")
            b.lines.append(f"{out} = {layer_var}({branches[i][0]})")
            branches[i] = (out, step.shape, False)
    outputs, handles = [], []  # output tensors (var, shape); layers to freeze
    seq_like = n_inputs == 1
    bad_at = b.rng.randrange(len(branches)) if b.chance(0.06) else None
    for j, (x, shape, ints) in enumerate(branches):
        steps = b.chain(shape, b.rng.randint(1, 5), depth=0, functional=True, ints=ints,
                        nest_first=not ints)
        bad_step = b.rng.randrange(len(steps)) if j == bad_at else None
        for i, s in enumerate(steps):
            prev = (x, shape)  # the last step's input, for a second head
            if s.emit:
                out = s.emit(x)
                seq_like = seq_like and not s.forks
            elif not s.nested and b.chance(0.15):  # keep a handle to freeze later
                handle = b.var("layer")
                b.lines.append(f"{handle} = {s.expr}")
                out = b.var("x")
                b.lines.append(f"{out} = {handle}({x})")
                handles.append(handle)
            else:
                out = b.apply(s, x)
            if n_inputs == 1 and i == len(steps) - 2 and b.chance(0.1):
                outputs.append((out, s.shape))  # an intermediate output
            x, shape = out, s.shape
            if i == bad_step:
                b.rejected_call(x, shape)
        top += steps
        outputs.append((x, shape))
    flat = [(var, shape) for var, shape in outputs if len(shape) == 1 and shape[0]]
    if len(outputs) >= 2 and len(flat) >= 2 and b.chance(0.5):  # join the branches
        kind = b.choice(("Concatenate", "Concatenate", "concatenate"))
        tensors = "[" + ", ".join(v for v, _ in flat) + "]"
        out = b.var("merged")
        b.lines.append(f"{out} = {b.sym(kind)}({tensors})" if kind == "concatenate"
                       else f"{out} = {b.sym(kind)}()({tensors})")
        joined = (out, (sum(s[0] for _, s in flat),))
        top.append(_Step("", "Concatenate", joined[1], None))
        head = b.layer(joined[1], kind="Dense")
        y = b.apply(head, out)
        top.append(head)
        outputs = [o for o in outputs if o not in flat] + [(y, head.shape)]
    if b.chance(0.2) and n_inputs == 1:  # a second head beside the last layer: the graph forks
        head = b.layer(prev[1])
        out = b.apply(head, prev[0])
        outputs.append((out, head.shape))
        top.append(head)
        seq_like = False
    b.lines += [f"{h}.trainable = False" for h in handles if b.chance(0.5)]
    outs = [var for var, _ in outputs]
    ins = inputs[0] if len(inputs) == 1 and b.chance(0.7) else "[" + ", ".join(inputs) + "]"
    outs = outs[0] if len(outs) == 1 and b.chance(0.7) else "[" + ", ".join(outs) + "]"
    args = [f"inputs={ins}", f"outputs={outs}"] if b.chance(0.5) else [ins, outs]
    if b.chance(0.15):
        args.append(f"name={b.explicit_name('Model')!r}")
    model = b.var("model")
    b.lines.append(f"{model} = {b.sym('Model')}({', '.join(args)})")
    return model, seq_like, top, True


def generate_script(rng: random.Random) -> str:
    """Source text of one random model script."""
    b = _ScriptBuilder(rng, rng.choice(list(STYLES)))
    model, seq_like, top, built = (_sequential if b.chance(0.45) else _functional)(b)
    if b.chance(0.1):
        b.lines.append(f"{model}.trainable = False")
        if b.chance(0.3):
            b.lines.append(f"{model}.layers[-1].trainable = True")
    if b.chance(0.1):
        b.lines.append(f"{model}.compile(optimizer='adam', loss='mse')")
    if b.nested_vars and b.chance(0.2):
        b.lines.append(f"{b.nested_vars[0]}.summary()")
    b.lines += _summary_calls(b, model, seq_like, top)
    if built and b.chance(0.15):
        b.lines.append(f"print({model}.count_params())")
    return b.header() + "\n\n" + "\n".join(b.lines) + "\n"


def generate_scripts(seed: int, n: int) -> list[tuple[str, str]]:
    """``n`` scripts as ``(script_id, source)``; deterministic in ``seed``."""
    rng = random.Random(seed)
    return [(f"gen_{seed}_{i:03d}", generate_script(rng)) for i in range(n)]


if __name__ == "__main__":  # print a few scripts for eyeballing
    import sys

    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    for script_id, source in generate_scripts(seed, int(sys.argv[2]) if len(sys.argv) > 2 else 3):
        print(f"# ---- {script_id}\n{source}")
