"""campaign: keep small outbound sales teams legal and honest."""

from __future__ import annotations

__version__ = "0.1.0"
