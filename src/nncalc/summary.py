"""The summary of a model as plain data: the rows Keras' ``summary()`` shows, and totals.

Nothing here formats text: renderers in :mod:`nncalc.render` turn a
:class:`Summary` into Keras' table, JSON, Markdown, CSV, HTML or explanations.

Which rows, in which order, and what they say follows Keras 3
(``keras/src/utils/summary_utils.py``):

* Sequential models list ``model.layers`` (no InputLayer); functional models list
  every operation of the graph, InputLayers included, in graph order.
* A functional model is "sequential-like" (no "Connected to" column) when each
  graph depth holds one node with one input tensor and no layer is called twice.
* A row's output shape is that of the layer's *last* call; "?" if never called.
* Totals count each weight once; trainable ones only where the layer (and every
  model above it) is trainable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, AbstractSet, Callable, Optional, Union

if TYPE_CHECKING:
    from .analysis import ModelAnalysis
    from .analysis.receptive_field import ReceptiveField
    from .core.cost import Cost
    from .core.tf_flops import TFConventionCost

from .core.explain import Explanation, Text
from .core.layer import Layer
from .core.records import field, record


@record
class LayerRow:
    """One row of the table."""

    name: str
    class_name: str
    output_shape: Union[tuple, list, None]  # None ("?"), a shape tuple, or a list of shape tuples
    params: int
    built: bool
    trainable_params: int
    non_trainable_params: int
    connected_to: list  # [(layer name, node index, tensor index)] within this model
    depth: int
    trainable: bool  # the layer's own flag (Keras 3 prints "-" instead when it has no weights)
    has_weights: bool
    # How the row's figures are derived; made when first read (see EAGER_EXPLANATIONS).
    explanation: Explanation = field(default=None, repr=False, compare=False)
    # Output shapes of every call of the layer (one list of shapes per call), for
    # renderers that, like tf.keras 2, print "multiple" when calls disagree.
    call_output_shapes: list = field(default_factory=list)
    # What nncalc adds (None unless asked for, see nncalc.analysis.AnalysisOptions):
    cost: Optional[Union[Cost, TFConventionCost]] = None  # of the row's calls in this model, per sample
    activation_bytes: Optional[float] = None  # bytes of the row's outputs, per sample
    receptive_field: Optional[ReceptiveField] = None  # per spatial axis (size, stride, start)
    # Makes the explanation when it is first read, if it was not given (None: an empty one).
    explain_source: Optional[Callable[[], Explanation]] = field(default=None, repr=False, compare=False)


def _get_explanation(row: LayerRow) -> Explanation:
    explanation = row.__dict__["_explanation"]
    if explanation is None:
        explanation = row.explain_source() if row.explain_source is not None else Explanation()
        row.__dict__["_explanation"] = explanation
        row.explain_source = None
    return explanation


def _set_explanation(row: LayerRow, value: Optional[Explanation]) -> None:
    row.__dict__["_explanation"] = value


# A property over the record field: LayerRow(explanation=...) still works, and a row made
# without one derives it on first use (nothing is derived for the plain table). Type
# checkers see the field (an Explanation; None given means "derive it when read").
LayerRow.explanation = property(_get_explanation, _set_explanation)  # type: ignore[assignment]

# Whether rows derive their explanations when the summary is made (True), or only when one is
# read (False: the CLI's text output without --explain never reads them). Eager is the safe
# default: a layer changed after its summary (frozen, called again) would change an
# explanation derived late.
EAGER_EXPLANATIONS = True


class lazy_explanations:
    """``with lazy_explanations(True):`` rows made inside derive explanations only when read."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    def __enter__(self):
        global EAGER_EXPLANATIONS
        self.previous, EAGER_EXPLANATIONS = EAGER_EXPLANATIONS, EAGER_EXPLANATIONS and not self.enabled
        return self

    def __exit__(self, *exc):
        global EAGER_EXPLANATIONS
        EAGER_EXPLANATIONS = self.previous
        return False


@record
class ModelSummary:
    """One model: its rows in Keras' order and its totals (with byte sizes, 1 KB = 1024 B)."""

    name: str
    class_name: str
    sequential_like: bool
    rows: list[LayerRow]
    total_params: int
    trainable_params: int
    non_trainable_params: int
    trainable_bytes: float
    non_trainable_bytes: float
    optimizer_params: Optional[int] = None  # None until the optimizer is built (first fit)
    optimizer_bytes: float = 0.0
    analysis: Optional[ModelAnalysis] = None  # when FLOPs/memory/RF were asked for

    @property
    def total_bytes(self) -> float:
        return self.trainable_bytes + self.non_trainable_bytes + self.optimizer_bytes


@record
class Summary:
    """Every model of a script, file or object, in the order they were summarized."""

    models: list[ModelSummary]

    def to_json(self, lang: str = "en", indent: Optional[int] = 2) -> str:
        from .render.json import render

        return render(self, lang=lang, indent=indent)

    def to_markdown(self, lang: str = "en") -> str:
        from .render.markdown import render

        return render(self, lang=lang)

    def to_csv(self) -> str:
        from .render.csv import render

        return render(self)

    def to_html(self, lang: str = "en") -> str:
        from .render.html import render

        return render(self, lang=lang)

    def to_text(self, line_length: Optional[int] = None, show_trainable: bool = False) -> str:
        from .render.keras3 import render_text

        return "".join(render_text(m, line_length=line_length, show_trainable=show_trainable)
                       for m in self.models)

    def explain(self, lang: str = "en") -> str:
        from .render.explain import render

        return render(self, lang=lang)

    def _repr_html_(self) -> str:
        return self.to_html()


def _unique_size(weights) -> tuple[int, float]:
    """(parameter count, bytes) of a weight list; bytes count each weight object once."""
    count = sum(w.size for w in weights)
    unique = {id(w): w for w in weights}.values()
    return count, sum(w.nbytes for w in unique)


def is_sequential_like(model) -> bool:
    """Keras' test for dropping the "Connected to" column."""
    from .core.functional import Functional

    if not isinstance(model, Functional):
        return True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].input_tensors) > 1):
            return False
        nodes += depth_nodes
    node_ids = set(map(id, nodes))
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if id(node) in node_ids) > 1:
            return False
    return True


def row_output_shape(layer: Layer):
    """The last call's output shape(s); None when the layer was never called."""
    if layer._inbound_nodes:
        shapes = [t.shape for t in layer._inbound_nodes[-1].output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes
    if layer._build_shapes is not None:
        return layer.compute_output_shape(layer._build_shapes)
    return None


def _connections(layer: Layer, relevant: set[int]) -> list[tuple[str, int, int]]:
    result = []
    for node in layer._inbound_nodes:
        if relevant and id(node) not in relevant:
            continue
        for x in node.input_tensors:
            history = x._keras_history
            assert history is not None  # (a node's inputs were made by operations)
            result.append((history.operation.name, history.node_index, history.tensor_index))
    return result


def _graph_node_ids(model) -> set[int]:
    from .core.functional import Functional

    graph = model if isinstance(model, Functional) else getattr(model, "_functional", None)
    if graph is None:
        return set()
    return {id(n) for nodes in graph._nodes_by_depth.values() for n in nodes}


def _row_calls(layer: Layer, graph_ids: AbstractSet[int]) -> list:
    """The calls of ``layer`` that belong to the model being summarized (else its last call)."""
    calls = [n for n in layer._inbound_nodes if id(n) in graph_ids]
    return calls or layer._inbound_nodes[-1:]


def cached_node_cost(node, cache: dict):
    """``node.operation.node_cost(node)``, computed once per summary (rows and totals share it)."""
    cost = cache.get(id(node))
    if cost is None:
        cost = cache[id(node)] = node.operation.node_cost(node)
    return cost


def cached_node_tf_flops(node, cache: dict):
    """``node.operation.node_tf_flops(node)`` (TF profiler convention), computed once per summary."""
    key = ("tf", id(node))
    flops = cache.get(key)
    if flops is None:
        flops = cache[key] = node.operation.node_tf_flops(node)
    return flops


def _add_analysis(row: LayerRow, layer: Layer, graph_ids: AbstractSet[int], options, cache: dict) -> None:
    from .analysis.memory import activation_steps, tensor_bytes
    from .core.cost import total_cost

    calls = _row_calls(layer, graph_ids)
    if options.flops and not calls:  # a subclassed model's layer: called inside its call() only
        from .core.tf_flops import unknown_cost

        row.cost = unknown_cost(Text("called only inside the model's call(): the model's total counts it",
                                     "只在模型的 call() 内被调用：计入模型的总数"),
                                getattr(options, "flops_convention", "nncalc"))
    elif options.flops:
        costs = [cached_node_cost(n, cache) for n in calls]
        row.cost = costs[0] if len(costs) == 1 else total_cost(costs)
        if getattr(options, "flops_convention", "nncalc") == "tf":
            from .core.tf_flops import TFConventionCost, tf_total

            tf = [cached_node_tf_flops(n, cache) for n in calls]
            row.cost = TFConventionCost(row.cost, tf[0] if len(tf) == 1 else tf_total(tf))
    if options.receptive_field:
        from .analysis.receptive_field import receptive_field_of

        row.receptive_field = receptive_field_of(calls)
    if options.memory and calls:
        sizes = [tensor_bytes(t) for n in calls for t in n.output_tensors]
        row.activation_bytes = None if any(b is None for b in sizes) else sum(b for b in sizes if b is not None)
        outputs = [t for n in calls for t in n.output_tensors]
        if row.explain_source is None:
            row.explanation.memory = activation_steps(outputs)
        else:
            source = row.explain_source

            def explain_with_memory():
                explanation = source()
                explanation.memory = activation_steps(outputs)
                return explanation

            row.explain_source = explain_with_memory


def _rows(layer: Layer, depth: int, expand_nested: bool, relevant: set[int], options=None,
          graph_ids: AbstractSet[int] = frozenset(), cache=None) -> list[LayerRow]:
    trainable_count = sum(w.size for w in layer.trainable_weights)
    non_trainable_count = sum(w.size for w in layer.non_trainable_weights)
    row = LayerRow(
        name=layer.name,
        class_name=type(layer).__name__,
        output_shape=row_output_shape(layer),
        params=layer.count_params() if layer.built else 0,
        built=layer.built,
        trainable_params=trainable_count,
        non_trainable_params=non_trainable_count,
        connected_to=_connections(layer, relevant),
        depth=depth,
        trainable=layer.trainable,
        has_weights=bool(layer.weights),
        explanation=layer.explain() if EAGER_EXPLANATIONS else None,  # type: ignore[arg-type]  # (see above)
        explain_source=None if EAGER_EXPLANATIONS else layer.explain,
        call_output_shapes=[[t.shape for t in node.output_tensors] for node in layer._inbound_nodes],
    )
    if options is not None and options.any:
        _add_analysis(row, layer, graph_ids, options, cache)
    rows = [row]
    sublayers = getattr(layer, "layers", None) if expand_nested else None
    if sublayers:
        inner_ids = _graph_node_ids(layer)
        for sub in sublayers:
            rows.extend(_rows(sub, depth + 1, expand_nested, relevant, options, inner_ids, cache))
    return rows


def summarize_model(model, expand_nested: bool = False, layer_range=None, analysis=None) -> ModelSummary:
    """The plain-data summary of one built (or partly built) model.

    ``analysis`` (:class:`nncalc.analysis.AnalysisOptions`, default: the session's)
    says which of nncalc's own figures to add: FLOPs, memory, receptive fields.
    """
    from . import session
    from .core.functional import Functional

    options = analysis if analysis is not None else session.analysis
    sequential_like = is_sequential_like(model)
    layers = model._operations if isinstance(model, Functional) else model.layers
    graph = model if isinstance(model, Functional) else getattr(model, "_functional", None)
    relevant = set()
    if graph is not None:
        relevant = {id(n) for nodes in graph._nodes_by_depth.values() for n in nodes}
    start, stop = model._layer_range_bounds(layers, layer_range)
    rows: list[LayerRow] = []
    cost_cache: dict = {}
    for layer in layers[start:stop]:
        rows.extend(_rows(layer, 0, expand_nested, relevant, options, relevant, cost_cache))
    trainable, trainable_bytes = _unique_size(model.trainable_weights)
    non_trainable, non_trainable_bytes = _unique_size(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None)
    optimizer_params, optimizer_bytes = None, 0.0
    if model.compiled and optimizer is not None and optimizer.built:
        optimizer_params, optimizer_bytes = _unique_size(optimizer.variables)
    summary = ModelSummary(
        name=model.name,
        class_name=type(model).__name__,
        sequential_like=sequential_like,
        rows=rows,
        total_params=trainable + non_trainable + (optimizer_params or 0),
        trainable_params=trainable,
        non_trainable_params=non_trainable,
        trainable_bytes=trainable_bytes,
        non_trainable_bytes=non_trainable_bytes,
        optimizer_params=optimizer_params,
        optimizer_bytes=optimizer_bytes,
    )
    if options is not None and options.any:
        from .analysis import analyse_model

        summary.analysis = analyse_model(model, options, cost_cache)
    return summary


def output_shape_json(shape):
    """A row's output shape for JSON: a list (null for unknown dims) or a list of such lists."""
    if shape is None:
        return None
    if isinstance(shape, tuple):
        return list(shape)
    return [output_shape_json(s) for s in shape]

