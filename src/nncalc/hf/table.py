"""The per-module table, as torchinfo draws a tree: every module (embeddings, each layer,
its attention and projections, MLP or experts, norms, the head) with its parameter shapes,
its parameters (its subtree's, each tied weight only at its first name), its output shape
and FLOPs (its subtree's) when a forward was recorded. A run of identical layers is shown
once with "× N" (all of them with ``expand``)."""

from __future__ import annotations

from ..torch.nn import ModuleList
from .analysis import Row
from .families import display_class


def _signature(module):
    return tuple((name, type(m).__name__, tuple(tuple(p.shape) for p in m._parameters.values() if p is not None))
                 for name, m in module.named_modules())


def _flops_by_module(analysis):
    """FLOPs (chosen convention) of every module path, its descendants included."""
    from ..flops import OP_CONVENTIONS, convention

    if analysis.trace is None or analysis.options.convention not in OP_CONVENTIONS:
        return {}
    counter = convention(analysis.options.convention)
    totals = {}
    for op in analysis.trace.ops:
        value = counter.count(op, analysis.options)
        path = op.module
        while True:
            totals[path] = totals.get(path, 0) + value
            if not path:
                break
            path = path.rsplit(".", 1)[0] if "." in path else ""
    return totals


def module_rows(analysis, expand=False):
    model = analysis.model
    flops = _flops_by_module(analysis)
    outputs = analysis.trace.outputs if analysis.trace is not None else {}
    first = model._first_names()
    rows = []

    def add(module, path, depth):
        start = len(rows)
        own = [tuple(p.shape) for p in module._parameters.values() if p is not None]
        count = sum(p.numel() for k, p in module._parameters.items()
                    if p is not None and first.get(id(p)) == (f"{path}.{k}" if path else k))
        row = Row(path, display_class(module, model.family), own, count, outputs.get(path),
                  flops.get(path, 0) if flops else None, 1, depth)
        rows.append(row)
        children = [(k, m) for k, m in module._modules.items() if m is not None]
        if isinstance(module, ModuleList) and not expand:
            signatures = [_signature(child) for _, child in children]
            i = 0
            while i < len(children):
                j = i + 1
                while j < len(children) and signatures[j] == signatures[i]:
                    j += 1
                name, child = children[i]
                sub = len(rows)
                add(child, f"{path}.{name}", depth + 1)
                if j - i > 1:
                    label = f"{path}.{name}-{children[j - 1][0]}"
                    for r in rows[sub:]:
                        r.count = j - i
                        r.name = label + r.name[len(f"{path}.{name}"):]
                i = j
        else:
            for k, child in children:
                add(child, f"{path}.{k}" if path else k, depth + 1)
        row.params += sum(r.params * r.count for r in rows[start + 1:] if r.depth == depth + 1)
        return row

    add(model, "", 0)
    return rows[1:]
