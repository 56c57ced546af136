"""The tool's version, in a module of its own so that any floor can read it without an import cycle."""

from __future__ import annotations

__version__ = "0.1.0"
