"""``keras.mixed_precision``: dtype policies (variables float32, computations 16-bit)."""

from __future__ import annotations

from ..core.dtypes import DTypePolicy, global_policy, set_global_policy

Policy = DTypePolicy

__all__ = ["DTypePolicy", "Policy", "global_policy", "set_global_policy"]
