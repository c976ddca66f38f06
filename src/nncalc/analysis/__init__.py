"""What nncalc adds to Keras' summary: FLOPs and MACs, memory, receptive fields.

Each analysis walks the model's graph once and asks each layer for its own figures
(``Layer.compute_cost``, ``Layer.receptive_field``); the results are plain data on
the summary (:class:`ModelAnalysis`), which renderers only format.
"""

from __future__ import annotations

from ..core.records import field, record
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    from ..core.cost import Cost
    from ..core.tf_flops import TFConventionCost
    from .memory import MemoryReport


@record
class AnalysisOptions:
    """Which figures to compute, and for what training set-up."""

    flops: bool = False
    memory: bool = False
    receptive_field: bool = False
    batch_size: int = 32  # Keras' default for fit()
    optimizer: str = "adam"
    # "nncalc" (nncalc.core.cost) or "tf": the FLOPs column and total are TensorFlow's profiler
    # count at batch 1 (nncalc.core.tf_flops); the MACs column stays nncalc's.
    flops_convention: str = "nncalc"
    # keras_hub models built by a script: the length of their token sequences (their inputs'
    # `None` axis), so that FLOPs and activations have a value (--seq-len).
    sequence_length: Optional[int] = None

    @property
    def any(self) -> bool:
        return self.flops or self.memory or self.receptive_field


@record
class ModelAnalysis:
    """The model-wide figures (the per-row ones live on each row)."""

    options: AnalysisOptions
    cost: Optional[Union[Cost, TFConventionCost]] = None  # total MACs and FLOPs per sample
    memory: Optional[MemoryReport] = None
    receptive_field: Optional[list] = field(default=None)  # ReceptiveField of each model output


def _graph(model):
    """The functional graph a model runs (itself, or a Sequential's), or None (subclassed)."""
    from ..core.functional import Functional

    return model if isinstance(model, Functional) else getattr(model, "_functional", None)


def graph_nodes(model) -> list:
    """The model's calls in execution order (inputs first), for one pass over the graph."""
    graph = _graph(model)
    if graph is not None:
        return [n for depth in sorted(graph._nodes_by_depth, reverse=True) for n in graph._nodes_by_depth[depth]]
    return [layer._inbound_nodes[-1] for layer in getattr(model, "layers", []) if layer._inbound_nodes]


def _traced_call(model) -> list:
    """A subclassed model (no graph of its own) called on a tensor: its last call, whose cost is
    that of everything its traced ``call()`` ran (its layers have no calls of their own)."""
    if _graph(model) is not None or not getattr(model, "_inbound_nodes", None):
        return []
    node = model._inbound_nodes[-1]
    return [node] if getattr(node, "inner_calls", None) is not None else []


def analyse_model(model, options: AnalysisOptions, cost_cache=None) -> ModelAnalysis:
    """The model-wide figures, in one pass over its calls per analysis."""
    from ..core.cost import total_cost

    nodes = graph_nodes(model)
    result = ModelAnalysis(options)
    if options.flops:
        from ..summary import cached_node_cost

        cache = {} if cost_cache is None else cost_cache
        cost_nodes = _traced_call(model) or nodes
        if not cost_nodes and getattr(model, "layers", None):  # a subclassed model never called
            from ..core.explain import Text
            from ..core.tf_flops import unknown_cost

            result.cost = unknown_cost(Text("the model was never called on a tensor: what its call() "
                                            "computes is not known", "模型从未在张量上调用：其 call() 的计算未知"),
                                       options.flops_convention)
        else:
            result.cost = total_cost((cached_node_cost(n, cache) for n in cost_nodes),
                                     (n.operation.name for n in cost_nodes))
            if options.flops_convention == "tf":
                from ..core.tf_flops import TFConventionCost, tf_total
                from ..summary import cached_node_tf_flops

                tf = tf_total((cached_node_tf_flops(n, cache) for n in cost_nodes),
                              (n.operation.name for n in cost_nodes))
                result.cost = TFConventionCost(result.cost, tf)
    if options.receptive_field:
        from .receptive_field import model_fields

        result.receptive_field = model_fields(model)
    if options.memory:
        from .memory import memory_report

        result.memory = memory_report(model, nodes, options.batch_size, options.optimizer)
    return result
