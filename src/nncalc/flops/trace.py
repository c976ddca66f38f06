"""Recording the primitive operations of a symbolic forward.

``with recording() as trace:`` collects one :class:`Op` per operation that
:mod:`nncalc.torch` performs inside (none outside: building a model records nothing).
Each op names the module path that was running (``model.layers.0.self_attn``) so figures
can be given per module.
"""

from __future__ import annotations

_trace = None  # the Trace being recorded, or None


class Op:
    """One primitive operation.

    ``kind`` and its ``dims``:

    * ``mm`` (m, k, n): an (m × k) by (k × n) product (``F.linear`` without bias, 2-D matmul);
    * ``addmm`` (m, k, n): the same plus a bias row added (``F.linear`` with bias);
    * ``bmm`` (b, m, k, n): b such products (batched ``matmul``, attention scores / values);
    * ``conv`` (batch, out_positions, in_per_group × kernel, out_channels, bias):
      a convolution;
    * ``sdpa`` (b, h, q, k, d, dv): fused scaled-dot-product attention;
    * ``elementwise`` (n,): n results of one elementwise function (``name`` says which);
    * ``reduction`` (n,): a sum, mean, max ... over n input elements;
    * ``softmax`` (n,): softmax over n elements;
    * ``gather`` (n,): n values looked up or moved (embedding, index): no arithmetic.

    ``name`` is the operation's own name (``mul``, ``rsqrt``, ``silu`` ...), ``module`` the
    path of the module that ran it, ``attention`` for score/value products and softmaxes of
    attention: (query positions, key positions, causal, sliding window or None, past length).
    """

    __slots__ = ("kind", "dims", "name", "module", "attention")

    def __init__(self, kind, dims, name, module, attention=None):
        self.kind, self.dims, self.name, self.module, self.attention = kind, dims, name, module, attention

    def __repr__(self):
        return f"Op({self.kind}{self.dims} {self.name} @ {self.module})"


class Trace:
    """The ops of one forward, in order, and the module path stack while it runs."""

    def __init__(self):
        self.ops: list[Op] = []
        self.path: list[str] = []
        self.attention = None  # set by attention code around its score and value products
        self.outputs: dict = {}  # module path -> output shape of its last call

    @property
    def module(self) -> str:
        return self.path[-1] if self.path else ""


def emit(kind: str, dims: tuple, name: str) -> None:
    """Record one op in the current trace (nothing when no forward is being recorded)."""
    trace = _trace
    if trace is not None:
        trace.ops.append(Op(kind, dims, name, trace.module, trace.attention))


def current():
    return _trace


class recording:
    """``with recording() as trace:`` records the ops run inside into ``trace.ops``."""

    def __enter__(self) -> Trace:
        global _trace
        self.previous, _trace = _trace, Trace()
        return _trace

    def __exit__(self, *exc):
        global _trace
        _trace = self.previous
        return False


class in_module:
    """``with in_module(path):`` tags the ops recorded inside with the module ``path``."""

    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        if _trace is not None:
            _trace.path.append(self.path)

    def __exit__(self, *exc):
        if _trace is not None:
            _trace.path.pop()
        return False


class attention_products:
    """``with attention_products(q_len, k_len, causal, window, past):`` marks the score and
    value products and the softmax inside as attention's (for ``--causal-half``)."""

    __slots__ = ("info", "previous")

    def __init__(self, q_len, k_len, causal=True, window=None, past=0):
        self.info = (q_len, k_len, causal, window, past)

    def __enter__(self):
        if _trace is not None:
            self.previous, _trace.attention = _trace.attention, self.info

    def __exit__(self, *exc):
        if _trace is not None:
            _trace.attention = self.previous
        return False
