"""Whether a call on symbolic tensors records a node in the model graph.

Keras records a node for every layer call and every ``keras.ops`` operation applied to
``keras.Input`` tensors: those become rows of the summary. But when Keras runs a custom
layer's ``call()`` (or a subclassed model's) to infer its output shape, the layers and
operations used inside are *not* rows of the outer model: the custom layer is one row,
and its sublayers' weights count towards it.

nncalc traces such a ``call()`` on its own symbolic tensors inside :func:`tracing_call`;
while it runs, :func:`recording` is False and layer calls and operations compute shapes
(and build sublayers) without recording graph nodes.
"""

from __future__ import annotations

from contextlib import contextmanager

_depth = 0


def recording() -> bool:
    """True unless we are inside a traced ``call()`` (then no node may be recorded)."""
    return _depth == 0


@contextmanager
def tracing_call():
    """Run a user ``call()`` for its shapes only: calls made inside record no nodes."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
