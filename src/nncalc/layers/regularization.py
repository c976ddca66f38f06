"""Regularization layers: active only in training, no weights, output shape = input shape.

``SpatialDropout1D/2D/3D`` drop whole channels and need inputs of rank 3, 4 and 5
(batch axis included); ``ActivityRegularization`` adds an L1/L2 penalty on its input.
"""

from __future__ import annotations

import math

from ..core import cost
from ..core.args import standardize_data_format
from ..core.explain import Text, identity_shape_steps
from ..core.layer import InputSpec, Layer


def _check_rate(rate, name="rate"):
    if not 0 <= rate <= 1:
        raise ValueError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={rate}"
        )


class _Identity(Layer):
    """Weightless, built at construction, output shape = input shape."""

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)

    def compute_cost(self, input_shape, output_shape):
        """0: active only in training; in inference the input passes through unchanged."""
        return cost.free(cost.INFERENCE_NOOP)

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (inference: the input is returned)."""
        return {}


class Dropout(_Identity):
    """Zeroes a fraction ``rate`` of the inputs while training; identity at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(rate)
        self.rate = rate
        self.seed = seed
        self.noise_shape = self._validate_noise_shape(noise_shape)
        self.built = True

    @staticmethod
    def _validate_noise_shape(noise_shape):
        if noise_shape is None:
            return None
        if isinstance(noise_shape, str):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected a tuple or list of "
                f"integers. Received: noise_shape={noise_shape}"
            )
        if not isinstance(noise_shape, tuple):
            try:
                noise_shape = tuple(noise_shape)
            except TypeError:
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected an iterable of "
                    f"integers (e.g., a tuple or list). Received: noise_shape={noise_shape}"
                ) from None
        for i, dim in enumerate(noise_shape):
            if dim is None:
                continue
            if not isinstance(dim, int):
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected all elements to "
                    f"be integers or None. Received element at index {i}: {dim} "
                    f"(type: {type(dim).__name__})"
                )
            if dim <= 0:
                raise ValueError(
                    "Invalid value received for argument `noise_shape`. Expected all dimensions "
                    f"to be positive integers or None. Received negative or zero value at index "
                    f"{i}: {dim}"
                )
        return noise_shape


class _SpatialDropout(Dropout):
    """Drops whole feature maps; Keras takes only rate, seed, name and dtype (and data_format)."""

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.input_spec = InputSpec(ndim=self.rank + 2)


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of (batch, steps, channels) inputs."""

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole channels of 4-d inputs (channels last or first)."""

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)


class SpatialDropout3D(_SpatialDropout):
    """Drops whole channels of 5-d inputs (channels last or first)."""

    rank = 3

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standardize_data_format(data_format)


class GaussianDropout(_Identity):
    """Multiplies the inputs by noise of mean 1 while training."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(rate)
        self.rate = rate
        self.seed = seed
        self.built = True


class GaussianNoise(_Identity):
    """Adds noise of mean 0 and standard deviation ``stddev`` while training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(stddev, "stddev")
        self.stddev = stddev
        self.seed = seed
        self.built = True


class AlphaDropout(_Identity):
    """Dropout that keeps the mean and variance of SELU activations."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(rate)
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        self.built = True


def _penalty(value, name):
    value = 0.0 if value is None else value
    if not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float.Received: {name}={value}"
        )
    return float(value)


class ActivityRegularization(_Identity):
    """Identity that adds ``l1 · sum|x| + l2 · sum x²`` to the training loss."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        if "activity_regularizer" in kwargs:
            raise TypeError(
                "keras.src.layers.layer.Layer.__init__() got multiple values for keyword "
                "argument 'activity_regularizer'"
            )
        _penalty(l1, "l1")
        _penalty(l2, "l2")
        super().__init__(**kwargs)
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """0: the output is the input; the L1/L2 penalty only feeds the training loss."""
        return cost.free(Text("returns its input; the L1/L2 penalty only feeds the training loss",
                              "原样返回输入；L1/L2 惩罚项只计入训练损失"))


EXPORTS = {
    "ActivityRegularization": ActivityRegularization, "AlphaDropout": AlphaDropout,
    "Dropout": Dropout, "GaussianDropout": GaussianDropout, "GaussianNoise": GaussianNoise,
    "SpatialDropout1D": SpatialDropout1D, "SpatialDropout2D": SpatialDropout2D,
    "SpatialDropout3D": SpatialDropout3D,
}
