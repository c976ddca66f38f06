"""What the current run has seen: the summaries a script printed, and how to print them.

``Model.summary()`` asks here how to print (Keras 3 or tf.keras 2 style, or not
at all when the CLI writes JSON) and records the summary it made, so the CLI
can add explanations or other formats after the script has run.
"""

from __future__ import annotations

from .analysis import AnalysisOptions
from .summary import ModelSummary

style = "keras3"  # "keras3" | "keras2" | "tf_keras" | "none" (record only)
summaries: list[ModelSummary] = []
analysis = AnalysisOptions()  # nncalc's own figures (FLOPs, memory, receptive field) to add


def record_summary(summary: ModelSummary) -> None:
    summaries.append(summary)


def reset() -> None:
    """Forget recorded summaries and restore defaults (naming counters are reset separately)."""
    global style, analysis
    style = "keras3"
    analysis = AnalysisOptions()
    summaries.clear()
