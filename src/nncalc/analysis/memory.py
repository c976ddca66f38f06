"""Memory: weights by dtype, activations per sample, peak inference, a training estimate.

Conventions (README, "Memory"):

* A tensor takes ``elements × bits / 8`` bytes; activations are counted per sample
  (batch axis left out) in the dtype the layer computes in (``mixed_float16``: 16-bit
  activations, float32 weights).
* **Peak inference activations**: the graph runs in Keras' order; a tensor is freed
  once its last consumer has run (model outputs are kept); the peak is the largest
  sum of live tensors, taken while each layer holds its inputs and outputs.
* **Training** (batch B, optimizer O) = weights + gradients (one per trainable
  weight, in its dtype) + the optimizer's state variables (the same ones Keras'
  "Optimizer params" line counts) + B × every layer output, all kept for the
  backward pass. Temporary buffers of the backward pass are not counted.
"""

from __future__ import annotations

import math
from ..core.records import record
from typing import Optional

from ..core.dtypes import DTYPE_BITS
from ..core.explain import Text


def tensor_bytes(tensor) -> Optional[float]:
    """Bytes of one sample of ``tensor``; None if a dim is unknown or the dtype has no size."""
    dims = tensor.shape[1:]
    bits = DTYPE_BITS.get(tensor.dtype)
    if bits is None or any(d is None for d in dims):
        return None
    return math.prod(dims) * bits / 8


def activation_steps(tensors) -> list:
    """``activations: (128 × 128 × 512) elements × 4 bytes (float32) = 33,554,432 B`` per output."""
    from ..core.explain import Step, num

    steps = []
    for t in tensors:
        dims = t.shape[1:]
        bits = DTYPE_BITS.get(t.dtype)
        size = tensor_bytes(t)
        dims_text = " × ".join(num(d) for d in dims) or "1"
        if len(dims) > 1:
            dims_text = f"({dims_text})"
        per = "?" if bits is None else f"{bits / 8:g}"
        formula = Text(f"{dims_text} elements × {per} bytes ({t.dtype})", f"{dims_text} 个元素 × {per} 字节（{t.dtype}）")
        rule = None if size is not None else Text("unknown: a dimension is None", "未知：有维度为 None")
        value = None if size is None else (int(size) if float(size).is_integer() else size)
        steps.append(Step("activations", Text("activations per sample (bytes)", "每个样本的激活值（字节）"),
                          formula, value, rule))
    return steps


@record
class MemoryReport:
    """Every memory figure of one model (bytes; ``None`` when a dimension is unknown)."""

    batch_size: int
    optimizer: str
    weights_by_dtype: dict  # dtype -> (count, bytes)
    weight_bytes: float
    gradient_bytes: float
    optimizer_variables: int
    optimizer_bytes: float
    activation_bytes: Optional[float]  # every layer output, one sample
    peak_inference_bytes: Optional[float]  # one sample
    unknown: Optional[Text] = None  # why activation figures are unknown

    @property
    def training_activation_bytes(self) -> Optional[float]:
        return None if self.activation_bytes is None else self.activation_bytes * self.batch_size

    @property
    def training_bytes(self) -> Optional[float]:
        if self.activation_bytes is None:
            return None
        return (self.weight_bytes + self.gradient_bytes + self.optimizer_bytes
                + self.activation_bytes * self.batch_size)  # (training_activation_bytes)

    @property
    def inference_bytes(self) -> Optional[float]:
        """Weights + the peak activations of a batch."""
        if self.peak_inference_bytes is None:
            return None
        return self.weight_bytes + self.peak_inference_bytes * self.batch_size


def _unique(weights) -> list:
    return list({id(w): w for w in weights}.values())


def memory_report(model, nodes, batch_size: int = 32, optimizer: str = "adam") -> MemoryReport:
    """Walk ``nodes`` (the model's calls in order) once and add up every figure."""
    weights = _unique(model.weights)
    by_dtype: dict = {}
    for w in weights:
        count, size = by_dtype.get(w.dtype, (0, 0.0))
        by_dtype[w.dtype] = (count + w.size, size + w.nbytes)
    trainable = _unique(model.trainable_weights)
    opt = make_optimizer(optimizer)
    opt.build(trainable)

    unknown = None
    consumers: dict = {}
    outputs = {id(t) for t in _model_outputs(model)}
    for node in nodes:
        for x in node.input_tensors:
            consumers[id(x)] = consumers.get(id(x), 0) + 1
    live, live_bytes, peak, total = {}, 0.0, 0.0, 0.0
    for node in nodes:
        produced = 0.0
        for t in node.output_tensors:
            size = tensor_bytes(t)
            if size is None:
                if unknown is None:
                    unknown = Text(f"the output {t.shape} of '{node.operation.name}' has an unknown dimension",
                                   f"'{node.operation.name}' 的输出 {t.shape} 含未知维度")
                size = 0.0
            if id(t) not in live:
                live[id(t)] = size
                produced += size
                total += size
        live_bytes += produced
        peak = max(peak, live_bytes)
        for x in node.input_tensors:
            key = id(x)
            consumers[key] -= 1
            if consumers[key] == 0 and key not in outputs and key in live:
                live_bytes -= live.pop(key)
    return MemoryReport(
        batch_size=batch_size,
        optimizer=optimizer if isinstance(optimizer, str) else type(optimizer).__name__,
        weights_by_dtype=by_dtype,
        weight_bytes=sum(w.nbytes for w in weights),
        gradient_bytes=sum(w.nbytes for w in trainable),
        optimizer_variables=sum(v.size for v in opt.variables),
        optimizer_bytes=sum(v.nbytes for v in opt.variables),
        activation_bytes=None if unknown else total,
        peak_inference_bytes=None if unknown else peak,
        unknown=unknown,
    )


# ``--optimizer`` names beyond Keras' identifiers: "sgd-momentum" is SGD(momentum=0.9).
from ..cli import OPTIMIZER_CHOICES  # noqa: E402  (one list, kept where argparse needs it cheaply)


def make_optimizer(name: str):
    """A fresh optimizer for the estimate (named, so that no automatic name is used up)."""
    from .. import optimizers

    if name not in OPTIMIZER_CHOICES:
        raise ValueError(f"Unknown optimizer {name!r} for the memory estimate; "
                         f"choose one of: {', '.join(OPTIMIZER_CHOICES)}")
    if name == "sgd-momentum":
        return optimizers.SGD(momentum=0.9, name="estimate")
    return optimizers.BY_NAME[name](name="estimate")


def _model_outputs(model) -> list:
    from ..core.functional import Functional

    graph = model if isinstance(model, Functional) else getattr(model, "_functional", None)
    if graph is not None:
        return list(graph._outputs)
    layers = [layer for layer in getattr(model, "layers", []) if layer._inbound_nodes]
    return list(layers[-1]._inbound_nodes[-1].output_tensors) if layers else []
