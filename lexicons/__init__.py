"""Lexicon data files (TOML); read through agreementscan.lexicon, not imported."""
