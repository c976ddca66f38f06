"""``keras.activations.<name>(tensor)``: the operation Keras records (class, automatic name),
output shape and dtype, or Keras' refusal, for every activation, compared with real Keras."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nncalc.core.args import ACTIVATIONS
from tests.helpers import KERAS_REJECTIONS, sweep

SETTINGS = settings(max_examples=sweep(3), deadline=None, suppress_health_check=list(HealthCheck))
SHAPES = st.lists(st.sampled_from([None, 1, 2, 3, 4]), min_size=1, max_size=4).map(tuple)
ARGS = {"threshold": (0.1, 0.0), "relu": (0.1, 6.0), "leaky_relu": (0.3,), "glu": (1,)}


def record(module, name, shape, dtype, with_args):
    """What ``keras.activations.<name>`` gives on ``Input(batch_shape=shape)``: the operations
    recorded (class names, automatic names), output shape and dtype; or ``("error",)``."""
    import nncalc.keras as nk

    rejections = (ValueError, TypeError) if module is nk else KERAS_REJECTIONS
    x = module.Input(batch_shape=shape, dtype=dtype)
    args = ARGS.get(name, ()) if with_args or name == "threshold" else ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            y = getattr(module.activations, name)(x, *args)
        except rejections:
            return ("error",)
    model = module.Model(x, y)
    ops = [(type(op).__name__, op.name) for op in model.operations[1:]]
    return ("ok", ops, tuple(y.shape), str(y.dtype))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@SETTINGS
@given(shape=SHAPES, dtype=st.sampled_from(["float32", "float16", "int32", "bfloat16"]), with_args=st.booleans())
def test_activation_on_symbolic_tensor(real_keras, name, shape, dtype, with_args):
    import nncalc.keras as nk
    from nncalc.core.naming import reset_uids

    real_keras.backend.clear_session()
    reset_uids()
    expected = record(real_keras, name, shape, dtype, with_args)
    assert record(nk, name, shape, dtype, with_args) == expected


def test_refused_activation_is_one_line(real_keras):
    import nncalc.keras as nk
    from nncalc.errors import NncalcError

    with pytest.raises(ValueError):
        real_keras.activations.mish(real_keras.Input((3,)))
    with pytest.raises(NncalcError, match=r"keras\.activations\.mish: a KerasTensor cannot be used"):
        nk.activations.mish(nk.Input((3,)))


def test_activation_on_a_constant_records_nothing(real_keras):
    import nncalc.keras as nk

    x = nk.Input((4,))
    value = nk.activations.relu(nk.ops.arange(4.0))
    y = x + value
    assert y._keras_history.operation.name == "add"  # the relu consumed no name
    assert tuple(value.shape) == tuple(real_keras.activations.relu(real_keras.ops.arange(4.0)).shape)
