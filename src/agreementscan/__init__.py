"""agreementscan: check partnership agreements for the five pitfalls before signing.

The library API is small: :func:`scan_file`, :func:`scan_text` and :func:`scan_folder`
return :class:`~agreementscan.model.ScanResult` values; renderers turn them into text.
Heavy imports (spaCy, pdf libraries) happen on first use, so importing is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["__version__", "scan_file", "scan_text", "scan_folder"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import scan_file, scan_folder, scan_text


def __getattr__(name: str) -> Any:
    # Lazy so that `agreementscan --help` does not pay for importing spaCy.
    if name in ("scan_file", "scan_text", "scan_folder"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
