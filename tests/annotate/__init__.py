"""Tests of the annotated copies (package, so module names do not clash with tests/extract)."""
