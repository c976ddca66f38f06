"""Core layers: ``InputLayer`` / ``Input`` and ``Dense``."""

from __future__ import annotations

from ..core.args import activation_name
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from ..core.node import Node
from ..core.tensor import KerasTensor, standardize_shape
from ..core.dtypes import standardize_dtype


class InputLayer(Layer):
    """The entry of a functional graph: no weights, its output is the model's input tensor."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        ragged=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name)
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to InputLayer: {kwargs}")
        if input_tensor is not None:
            batch_shape = input_tensor.shape
            dtype = input_tensor.dtype
        else:
            if shape is not None and batch_shape is not None:
                raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
            if batch_size is not None and batch_shape is not None:
                raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
            if shape is None and batch_shape is None:
                raise ValueError("You must pass a `shape` argument.")
            if shape is not None:
                batch_shape = (batch_size,) + standardize_shape(shape)
        self._batch_shape = standardize_shape(batch_shape)
        self._input_dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, self._input_dtype, name=name)
        self._input_tensor = input_tensor
        Node(self, (), input_tensor)
        self.built = True

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._input_dtype

    def compute_output_shape(self, input_shape):
        return self._batch_shape

    def explain_shape(self, input_shape):
        return []

    def explain(self):
        explanation = super().explain()
        if self._batch_shape and self._batch_shape[0] is None:
            rule = Text("the declared input shape; the batch size is None: any batch size",
                        "声明的输入形状；批大小为 None：可为任意批大小")
        else:
            rule = Text("the declared input shape, batch axis first", "声明的输入形状，第一维为批大小")
        explanation.shape = [
            Step("shape", OUTPUT_SHAPE, shape_text(self._batch_shape), self._batch_shape, rule)
        ]
        return explanation


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
          batch_shape=None, name=None, tensor=None, optional=False):
    """``keras.Input``: a symbolic tensor, made by a new ``InputLayer``."""
    layer = InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
        batch_shape=batch_shape, name=name, input_tensor=tensor, optional=optional,
    )
    return layer.output


class Dense(Layer):
    """``y = activation(x · kernel + bias)`` on the last axis.

    kernel: (d_in, units); bias: (units,) if ``use_bias``.
    params = (d_in + 1) × units with a bias, d_in × units without.
    output shape = input shape with the last axis replaced by ``units``.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activation_name(activation)
        self.use_bias = use_bias
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))
        self.bias = self.add_weight(name="bias", shape=(self.units,)) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
        self.built = True

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def param_formula(self):
        d_in = self.kernel.shape[0]
        if self.use_bias:
            return f"({num(d_in)} + 1) × {num(self.units)}"
        return f"{num(d_in)} × {num(self.units)}"

    weight_names_zh = {"kernel": "权重矩阵", "bias": "偏置"}

    def param_rule(self):
        if self.use_bias:
            return Text("(input features + 1) × units: one weight per input and one bias per unit",
                        "(输入特征数 + 1) × 神经元个数：每个神经元对每个输入有一个权重，另有一个偏置")
        return Text("input features × units (no bias)", "输入特征数 × 神经元个数（无偏置）")

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                 Text(f"the last axis ({num(input_shape[-1])}) becomes units = {num(self.units)}",
                      f"最后一维（{num(input_shape[-1])}）变为神经元个数 units = {num(self.units)}"))
        ]


EXPORTS = {"Dense": Dense, "Input": Input, "InputLayer": InputLayer}
