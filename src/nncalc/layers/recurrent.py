"""Recurrent layers (being written; see issue 3)."""

from __future__ import annotations

EXPORTS: dict = {}
