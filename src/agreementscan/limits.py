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

# Caps inside one document: they bound memory and work before it grows, whatever the file says.
MAX_STREAM_BYTES = 100_000_000
"""Most bytes one compressed PDF stream (page content, object stream) may expand to."""
MAX_DECODED_BYTES = 500_000_000
"""Most bytes all compressed PDF streams other than images may expand to together."""
MAX_PAGE_OBJECTS = 2_000_000
"""Most text, path and image objects on all PDF pages together."""
MAX_TABLE_PAGES = 100
"""Most PDF pages the (slow) table detection runs on; the rest keep their running text."""
MAX_TABLE_PAGE_OBJECTS = 20_000
"""PDF pages with more objects than this are not searched for tables."""
MAX_ZIP_MEMBER_BYTES = 100_000_000
"""Most bytes one .docx part may expand to (checked while inflating, not from the header)."""
MAX_ZIP_TOTAL_BYTES = 200_000_000
"""Most bytes all parts of a .docx may expand to together."""
MAX_XML_PART_BYTES = 40_000_000
"""Most bytes one XML part of a .docx may expand to: lxml needs about 16 times that in memory."""
MAX_HITS_PER_RULE = 2_000
"""Most sentences one lexicon rule scores in a document (real agreements have a few dozen)."""
