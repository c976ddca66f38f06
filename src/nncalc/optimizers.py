"""Optimizers, as far as a summary needs them: the state variables they keep.

Keras builds an optimizer on the first ``fit``; from then on ``summary()`` adds
an "Optimizer params" line. Every optimizer keeps two scalars, ``iteration``
(int64) and ``learning_rate`` (float32), plus, for each trainable weight, one
slot of the weight's shape per entry of ``slots`` below (e.g. Adam: momentum
and velocity, so 2 × trainable params + 2).
"""

from __future__ import annotations

from .core.layer import Weight
from .errors import Unsupported
from .core.naming import auto_name


class Optimizer:
    """Base: remembers its arguments; ``build`` lists the variables it would create."""

    def __init__(self, learning_rate=0.001, name=None, **kwargs):
        for option in ("use_ema", "gradient_accumulation_steps"):
            if kwargs.get(option):
                raise Unsupported(f"optimizer option {option}={kwargs[option]!r} is not modelled by nncalc yet")
        self.learning_rate = learning_rate
        self.name = name or auto_name(type(self).__name__)
        self.config = kwargs
        self.built = False
        self.variables: list[Weight] = []

    def slots(self) -> list[str]:
        """Names of the per-weight state tensors."""
        return []

    def extra_scalars(self) -> list[str]:
        return []

    def build(self, trainable_weights) -> None:
        """Declare ``iteration``, ``learning_rate`` and one slot per (weight, slot name)."""
        variables = [
            Weight("iteration", (), "int64", False, "iteration"),
            Weight("learning_rate", (), "float32", False, "learning_rate"),
        ]
        for slot in self.slots():
            for w in trainable_weights:
                path = f"{w.path.replace('/', '_')}_{slot}"
                variables.append(Weight(path, w.shape, w.dtype, False, path))
        for scalar in self.extra_scalars():
            variables.append(Weight(scalar, (), "float32", False, scalar))
        self.variables = variables
        self.built = True


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = momentum

    def slots(self):
        return ["momentum"] if self.momentum != 0 else []


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.amsgrad = amsgrad

    def slots(self):
        return ["momentum", "velocity"] + (["velocity_hat"] if self.amsgrad else [])


class AdamW(Adam):
    def __init__(self, learning_rate=0.001, weight_decay=0.004, **kwargs):
        super().__init__(learning_rate, **kwargs)


class RMSprop(Optimizer):
    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = momentum
        self.centered = centered

    def slots(self):
        return (["velocity"] + (["momentum"] if self.momentum > 0 else [])
                + (["average_gradient"] if self.centered else []))


class Adagrad(Optimizer):
    def slots(self):
        return ["accumulator"]


class Adadelta(Optimizer):
    def slots(self):
        return ["accumulated_grad", "accumulated_delta_var"]


class Adamax(Optimizer):
    def slots(self):
        return ["momentum", "norm"]


class Nadam(Optimizer):
    def slots(self):
        return ["momentum", "velocity"]

    def extra_scalars(self):
        return ["u_product"]


class Ftrl(Optimizer):
    def slots(self):
        return ["accumulator", "linear"]


class Lion(Optimizer):
    def slots(self):
        return ["momentum"]


class Adafactor(Optimizer):
    """Factored second moments: for a weight of rank ≥ 2, a row vector (shape[:-1]) and a
    column vector (shape[:-2] + shape[-1:]); for rank < 2, two int32 placeholder scalars.
    Every weight also gets a ``velocity`` of its own shape (Keras' ``adafactor.py``)."""

    def build(self, trainable_weights) -> None:
        super().build([])
        for w in trainable_weights:
            base = w.path.replace("/", "_")
            if len(w.shape) < 2:
                self.variables += [Weight(w.name, (), "int32", False, w.name) for _ in range(2)]
            else:
                self.variables += [Weight(w.name, tuple(w.shape[:-1]), w.dtype, False, w.name),
                                   Weight(w.name, tuple(w.shape[:-2]) + (w.shape[-1],), w.dtype, False, w.name)]
            self.variables.append(Weight(f"{base}_velocity", w.shape, w.dtype, False, f"{base}_velocity"))


BY_NAME = {
    "sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad,
    "adadelta": Adadelta, "adafactor": Adafactor, "adamax": Adamax, "nadam": Nadam, "ftrl": Ftrl, "lion": Lion,
}


def get(identifier) -> Optimizer:
    """``"adam"`` or an optimizer object -> an :class:`Optimizer`."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in BY_NAME:
        return BY_NAME[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
