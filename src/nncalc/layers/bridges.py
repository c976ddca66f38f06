"""Framework bridges: layers that wrap another framework's model or function.

Their shapes and weights live in TensorFlow, JAX, Flax or PyTorch objects that
nncalc does not load, so they cannot be analysed without that framework: each
stops with an error that says so, naming the layer.
"""

from __future__ import annotations

from ..errors import Unsupported

_FRAMEWORK = {
    "TFSMLayer": "a TensorFlow SavedModel",
    "JaxLayer": "a JAX function",
    "FlaxLayer": "a Flax module",
    "TorchModuleWrapper": "a PyTorch module",
}


def _bridge(name: str, what: str) -> type:
    def __init__(self, *args, **kwargs):
        raise Unsupported(
            f"keras.layers.{name} wraps {what}: its shapes and weights are only known to that "
            "framework, so nncalc cannot analyse it (summarize the wrapped model with its own "
            "tools, or replace the layer by Keras layers of the same shapes)"
        )

    return type(name, (), {"__init__": __init__, "refused": True,
                           "__doc__": f"Wraps {what}; refused with a clear error."})


EXPORTS = {name: _bridge(name, what) for name, what in _FRAMEWORK.items()}
