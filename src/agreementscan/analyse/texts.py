"""Sentences the analysis writes into findings, in Dutch and English (our own words)."""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "covered": {
        "en": "Covered{where} ({n} {passages}).",
        "nl": "Geregeld{where} ({n} {passages}).",
    },
    "passage": {"en": "passage", "nl": "passage"},
    "passages": {"en": "passages", "nl": "passages"},
    "where_section": {"en": " under “{section}”", "nl": " onder “{section}”"},
    "placeholder": {
        "en": "Mentioned, but left open with a placeholder (“{placeholder}”).",
        "nl": "Genoemd, maar opengelaten met een invulplek (“{placeholder}”).",
    },
    "negated": {
        "en": "Only mentioned to exclude or rule it out.",
        "nl": "Alleen genoemd om het uit te sluiten.",
    },
    "vague": {
        "en": "Only vague or open-ended wording, without a firm commitment.",
        "nl": "Alleen vage of open formuleringen, zonder harde afspraak.",
    },
    "one_side": {
        "en": "Only one party's side is set out; the other party's part is missing or vague.",
        "nl": "Alleen de inbreng of rol van één partij is vastgelegd; die van de ander ontbreekt of is vaag.",
    },
    "no_value": {
        "en": "Mentioned, but without {value}.",
        "nl": "Genoemd, maar zonder {value}.",
    },
    "not_found": {
        "en": "Nothing found; looked for terms such as {terms}.",
        "nl": "Niets gevonden; gezocht naar termen als {terms}.",
    },
    "not_applicable": {
        "en": "Not applicable: the agreement sets up no joint entity or shared ownership.",
        "nl": "Niet van toepassing: de overeenkomst richt geen gezamenlijke entiteit op en deelt geen eigendom.",
    },
    "value.notice_period": {"en": "a notice period", "nl": "een opzegtermijn"},
    "value.frequency": {"en": "a frequency (how often)", "nl": "een frequentie (hoe vaak)"},
    "value.percentage": {"en": "percentages", "nl": "percentages"},
    "value.number": {"en": "a number or amount", "nl": "een getal of bedrag"},
    "value.date": {"en": "a date", "nl": "een datum"},
    "value.period": {"en": "a period", "nl": "een termijn"},
    "value.money": {"en": "an amount", "nl": "een bedrag"},
    "check.ownership_sum": {
        "en": "Ownership percentages add up to {total}%, not 100%.",
        "nl": "De eigendomspercentages tellen op tot {total}%, niet tot 100%.",
    },
    "check.deadlock": {
        "en": "Equal split ({split}) without a deadlock mechanism: agree what happens when the partners vote against each other.",
        "nl": "Gelijke verdeling ({split}) zonder impasseregeling: spreek af wat er gebeurt als de partners tegen elkaar stemmen.",
    },
    "check.unequal": {
        "en": "Unequal split ({split}): the partners are not equal. {tip}",
        "nl": "Ongelijke verdeling ({split}): de partners zijn niet gelijkwaardig. {tip}",
    },
    "warn.unsupported_language": {
        "en": "The text looks {language}, which is not supported; results are unreliable.",
        "nl": "De tekst lijkt {language}; die taal wordt niet ondersteund, de resultaten zijn onbetrouwbaar.",
    },
    "lang.de": {"en": "German", "nl": "Duits"},
    "lang.fr": {"en": "French", "nl": "Frans"},
    "warn.short": {
        "en": "The text is very short ({words} words); most elements will be reported missing.",
        "nl": "De tekst is erg kort ({words} woorden); de meeste onderdelen zullen als ontbrekend worden gemeld.",
    },
}


def text(key: str, lang: str, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (``nl`` or ``en``) with ``values`` filled in."""
    entry = _TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)
