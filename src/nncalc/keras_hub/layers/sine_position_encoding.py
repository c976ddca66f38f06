"""keras_hub's ``SinePositionEncoding``: the sinusoidal position encoding of "Attention is all you need".

No weights; the output has the input's shape: ``sin(position · timescale)`` on even features,
``cos`` on odd ones. It depends on the positions only (the input gives the shape), so it is
computed on constants: nncalc counts 0 FLOPs, as for every ``keras.ops`` run on constants
(TensorFlow's profiler, which folds no constants, counts those ops).
"""

from __future__ import annotations

from ...core import cost
from .base import HubLayer


class SinePositionEncoding(HubLayer):
    def __init__(self, max_wavelength=10000, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = max_wavelength
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_cost(self, input_shape, output_shape):
        """0: computed from the positions only (constants), then broadcast."""
        return cost.free()

    def tf_flops(self, input_shape, output_shape):
        """0 here (see the module docstring)."""
        return {}
