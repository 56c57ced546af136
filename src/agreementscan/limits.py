"""Default resource limits, in one place: the API, the CLI, batch and the config use them."""

from __future__ import annotations

MAX_BYTES = 50_000_000
"""Largest input file (50 MB)."""
MAX_PAGES = 2000
"""Most PDF pages."""
MAX_CHARS = 20_000_000
"""Most extracted characters: about 10,000 pages of dense contract text."""
TIMEOUT = 120.0
"""Seconds one document may take."""
