"""Folder scanning: find agreements under folders and scan them in worker processes.

The package in parts (each module says more):

* :mod:`.discover` walks the folders and says what to do with every file (:class:`Entry`).
* :mod:`.pool` is a generic process pool: an injected callable per task, each worker
  killed on timeout and replaced when it crashes, recycled after N tasks.
* :mod:`.stored` is the results store's side: content hashes, stored reports, rebuilding
  items for ``agreementscan report``.
* :mod:`.run` is the :class:`Batch` iterator tying them together, with the per-document
  task :func:`scan_document` that the workers run.
* :mod:`.items` holds what a batch yields (:class:`BatchItem`, :class:`Summary`).

The options are :class:`agreementscan.engine.ScanOptions`, the same value every other
client of the engine uses.
"""

from __future__ import annotations

from ..engine import ScanOptions
from .discover import SUPPORTED_SUFFIXES, Entry, discover
from .items import BatchError, BatchItem, BatchStats, Summary, summary_of
from .pool import RECYCLE_AFTER, Outcome, Pool, describe
from .run import Batch, Job, WarmUp, scan_document
from .stored import HashTimeout, file_sha256, hash_within, items_from_store, reextract

__all__ = [
    "Batch", "BatchError", "BatchItem", "BatchStats", "Entry", "HashTimeout", "Job", "Outcome", "Pool",
    "RECYCLE_AFTER", "SUPPORTED_SUFFIXES", "ScanOptions", "Summary", "WarmUp", "describe", "discover",
    "file_sha256", "hash_within", "items_from_store", "reextract", "scan_document",
    "summary_of",
]
