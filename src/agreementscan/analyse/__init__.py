"""The analysis stage: Document → ScanResult. Never prints, never reads files, never words:
the result holds statuses, causes, parameters and evidence; renderers do the wording."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import UsageError
from ..lexicon.cues import structure_cues
from ..lexicon.profile import Profile, default_profile
from ..lexicon.schema import FALLBACK_LANGUAGE, Checklist, ElementLexicon, LanguageLexicon
from ..model import Check, Document, ElementResult, Evidence, Notice, PitfallSummary, ScanResult, Severity, Status
from ..version import __version__
from .assess import Context, Verdict, evidence_for, judge
from .language import detect, languages_for
from .sentences import TokenMatcher, _first_tokens, split_sentences

__all__ = ["Matchers", "analyse", "warm"]


class Matchers:
    """The spaCy token matchers of one profile's languages, built on first use.

    Keyed by language and the profile's version (a hash of the lexicon and playbook
    content), so an edited playbook never meets a stale matcher. A
    :class:`~agreementscan.engine.Scanner` owns one; callers without a scanner share a
    small default one that keeps the most recent profiles only.
    """

    def __init__(self, keep: int = 8) -> None:
        self._keep = keep
        self._built: dict[tuple[str, str], TokenMatcher | None] = {}

    def get(self, lang: str, profile: Profile) -> TokenMatcher | None:
        """A spaCy Matcher holding every token-pattern rule of ``lang`` (None if there are none)."""
        key = (lang, profile.version)
        if key in self._built:
            return self._built[key]
        while len(self._built) >= self._keep:
            self._built.pop(next(iter(self._built)))  # the oldest first
        found = self._built[key] = _build_matcher(lang, profile)
        return found


def _build_matcher(lang: str, profile: Profile) -> TokenMatcher | None:
    lexicon = profile.lexicons[lang]
    rules = [r for e in lexicon.elements.values() for r in e.rules if r.tokens is not None]
    if not rules:
        return None
    from spacy.matcher import Matcher

    from .pipeline import get_nlp

    nlp = get_nlp(lang, lexicon.abbreviations)
    matcher = Matcher(nlp.vocab, validate=True)
    for rule in rules:
        matcher.add(rule.id, [list(rule.tokens or ())])
    return TokenMatcher(matcher, _first_tokens(nlp, [list(r.tokens or ()) for r in rules]))


_SHARED = Matchers()
"""For callers of :func:`analyse` that bring no :class:`Matchers` of their own."""


def warm(languages: Iterable[str], profile: Profile | None = None, matchers: Matchers | None = None) -> None:
    """Build the pipelines and matchers of ``languages`` now (``mixed`` means every language).

    Used before forking time-limited child processes, so that each child starts warm.
    """
    from .pipeline import get_nlp

    profile = profile or default_profile()
    for language in languages:
        for lang in languages_for(language, tuple(profile.lexicons)):
            if lang in profile.lexicons:
                get_nlp(lang, profile.lexicons[lang].abbreviations)
                (matchers or _SHARED).get(lang, profile)


def analyse(document: Document, *, language: str = "auto", report_language: str | None = None,
            profile: Profile | None = None, matchers: Matchers | None = None) -> ScanResult:
    """Assess every checklist element in ``document``.

    ``language`` is ``auto`` or one of the profile's languages (``nl``, ``en`` and any a
    playbook adds); ``report_language`` defaults to the document's language (English for
    mixed documents). ``profile`` adds playbooks, disabled elements and severity overrides
    to the built-in lexicons; ``matchers`` is the cache of token matchers to use (a
    scanner's own, else a shared one).
    """
    profile = profile or default_profile()
    languages = tuple(profile.lexicons)
    if language not in ("auto", *languages):
        raise UsageError(f"unsupported language {language!r} (use auto, {', '.join(languages)})")
    if report_language not in (None, *languages):
        raise UsageError(f"unsupported report language {report_language!r} (use {', '.join(languages)})")
    checklist = profile.checklist
    lexicons = profile.lexicons
    detected, block_langs, unsupported = detect(document, {k: v.stopwords for k, v in lexicons.items()})
    doc_lang = detected if language == "auto" else language
    if language != "auto":
        block_langs = tuple(language for _ in block_langs)
    # Only the default language renderers word the result in: the findings are data.
    report_lang = report_language or (doc_lang if doc_lang in languages else FALLBACK_LANGUAGE)
    run = [lexicons[lang] for lang in languages_for(doc_lang, languages)]
    primary = run[0].language
    cache = matchers or _SHARED
    token_matchers = {lang.language: m for lang in run if (m := cache.get(lang.language, profile)) is not None}
    cues = structure_cues(tuple(lx.cues for lx in lexicons.values()))
    sentences, token_hits = split_sentences(document, primary, block_langs, token_matchers, languages, cues,
                                            {lang: lx.abbreviations for lang, lx in lexicons.items()})
    ctx = Context(document, sentences, token_hits, cues)

    verdicts: dict[str, Verdict] = {}
    for info in checklist.elements:
        pairs: list[tuple[LanguageLexicon, ElementLexicon]] = [(lx, lx.elements[info.id]) for lx in run]
        verdicts[info.id] = judge(ctx, info.id, pairs)

    elements = tuple(_element_result(ctx, checklist, verdicts[info.id]) for info in checklist.elements)
    checks = tuple(_checks(ctx, verdicts))
    pitfalls = tuple(_pitfall_summaries(checklist, elements))
    warnings = [Notice("extract", (("text", w),)) for w in document.warnings]
    if unsupported is not None:
        warnings.append(Notice("unsupported_language", (("language", unsupported),)))
    words = len(document.text.split())
    if words < 150:
        warnings.append(Notice("short", (("words", words),)))
    score = round(sum(p.score for p in pitfalls) / len(pitfalls)) if pitfalls else 0
    return ScanResult(
        document=document, language=doc_lang, report_language=report_lang, elements=elements,
        pitfalls=pitfalls, checks=checks, score=score, tool_version=__version__,
        block_languages=block_langs, warnings=tuple(warnings), checklist=checklist,
    )


def _element_result(ctx: Context, checklist: Checklist, verdict: Verdict) -> ElementResult:
    """The verdict as data: status, cause and its parameters, evidence (no wording)."""
    info = checklist.element(verdict.element)
    evidence = evidence_for(ctx, verdict.hits) if verdict.status.covered else ()
    params: tuple[tuple[str, str | int | None], ...] = ()
    if verdict.cause == "covered":
        section = evidence[0].section if evidence else None
        params = (("passages", len({h.sentence for h in verdict.hits})),)
        if section:
            params += (("section", section),)
    elif verdict.cause == "placeholder":
        params = (("placeholder", verdict.placeholder or ""),)
    elif verdict.cause == "no_value":
        params = (("value", verdict.value_kind),)
    return ElementResult(
        id=info.id, pitfall=info.pitfall, status=verdict.status, cause=verdict.cause, params=params,
        evidence=evidence, severity=info.severity,
    )


def _checks(ctx: Context, verdicts: dict[str, Verdict]) -> list[Check]:
    """Consistency findings about the ownership split."""
    equity = verdicts.get("equity_split")
    if equity is None or not equity.status.covered:
        return []
    shares: list[float] = []
    sources: list[Evidence] = []
    seen_sentences: set[int] = set()
    for hit in equity.hits:
        if hit.sentence in seen_sentences:
            continue
        seen_sentences.add(hit.sentence)
        sentence = ctx.sentences[hit.sentence]
        found = [
            float(m.group(1).replace(",", "."))
            for m in ctx.cues.percent.finditer(ctx.text, sentence.start, sentence.end)
        ]
        if found:
            shares.extend(found)
            sources.extend(evidence_for(ctx, [hit], 1))
        if len(shares) >= 2:
            break
    if len(shares) < 2 or len(shares) > 6:
        return []
    total = round(sum(shares), 2)
    split = "/".join(f"{s:g}" for s in shares)
    evidence = tuple(sources)
    if abs(total - 100) > 0.01:
        return [Check("ownership_sum", Severity.ERROR, (("total", total), ("split", split)), evidence)]
    if len(set(shares)) == 1:
        governance = verdicts.get("governance")
        if governance is None or not any(h.rule.endswith(".deadlock") for h in governance.hits):
            return [Check("deadlock_missing", Severity.WARNING, (("split", split),), evidence)]
        return []
    return [Check("unequal_split", Severity.INFO, (("split", split),), evidence)]


def _pitfall_summaries(checklist: Checklist, elements: Sequence[ElementResult]) -> list[PitfallSummary]:
    out = []
    for pitfall in checklist.pitfalls:
        own = [e for e in elements if e.pitfall == pitfall.id and e.status != Status.NOT_APPLICABLE]
        value = sum(1.0 if e.status == Status.PRESENT else 0.5 if e.status == Status.WEAK else 0.0 for e in own)
        score = round(100 * value / len(own)) if own else 100
        out.append(PitfallSummary(pitfall.id, pitfall.key, score))
    return out
