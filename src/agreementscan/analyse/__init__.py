"""The analysis stage: Document → ScanResult. Never prints, never reads files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import __version__
from ..errors import UsageError
from ..lexicon.cues import structure_cues
from ..lexicon.profile import Profile, default_profile
from ..lexicon.schema import FALLBACK_LANGUAGE
from ..lexicon.schema import Checklist, ElementLexicon, LanguageLexicon
from ..model import Check, Document, ElementResult, Evidence, PitfallSummary, ScanResult, Severity, Status
from .assess import Context, Verdict, evidence_for, judge
from .language import detect, languages_for
from .sentences import TokenMatcher, _first_tokens, split_sentences
from .texts import text as t

__all__ = ["analyse", "warm"]


_MATCHERS: dict[tuple[str, str], TokenMatcher | None] = {}


def _matcher(lang: str, profile: Profile | None = None) -> TokenMatcher | None:
    """A spaCy Matcher holding every token-pattern rule of ``lang`` (None if there are none)."""
    profile = profile or default_profile()
    key = (lang, profile.version)
    if key in _MATCHERS:
        return _MATCHERS[key]
    lexicon = profile.lexicons[lang]
    rules = [r for e in lexicon.elements.values() for r in e.rules if r.tokens is not None]
    if not rules:
        _MATCHERS[key] = None
        return None
    from spacy.matcher import Matcher

    from .pipeline import get_nlp

    nlp = get_nlp(lang, lexicon.abbreviations)
    matcher = Matcher(nlp.vocab, validate=True)
    for rule in rules:
        matcher.add(rule.id, [list(rule.tokens or ())])
    found = _MATCHERS[key] = TokenMatcher(matcher, _first_tokens(nlp, [list(r.tokens or ()) for r in rules]))
    return found


def warm(languages: Iterable[str], profile: Profile | None = None) -> None:
    """Build the pipelines and matchers of ``languages`` now (``mixed`` means every language).

    Used before forking time-limited child processes, so that each child starts warm.
    """
    from .pipeline import get_nlp

    profile = profile or default_profile()
    for language in languages:
        for lang in languages_for(language, tuple(profile.lexicons)):
            if lang in profile.lexicons:
                get_nlp(lang, profile.lexicons[lang].abbreviations)
                _matcher(lang, profile)


def analyse(document: Document, *, language: str = "auto", report_language: str | None = None,
            profile: Profile | None = None) -> ScanResult:
    """Assess every checklist element in ``document``.

    ``language`` is ``auto`` or one of the profile's languages (``nl``, ``en`` and any a
    playbook adds); ``report_language`` defaults to the document's language (English for
    mixed documents). ``profile`` adds playbooks, disabled elements and severity overrides
    to the built-in lexicons.
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
    report_lang = report_language or (doc_lang if doc_lang in languages else FALLBACK_LANGUAGE)
    run = [lexicons[lang] for lang in languages_for(doc_lang, languages)]
    primary = run[0].language
    matchers = {lang.language: m for lang in run if (m := _matcher(lang.language, profile)) is not None}
    cues = structure_cues(tuple(lx.cues for lx in lexicons.values()))
    sentences, token_hits = split_sentences(document, primary, block_langs, matchers, languages, cues,
                                            {lang: lx.abbreviations for lang, lx in lexicons.items()})
    ctx = Context(document, sentences, token_hits, cues)

    verdicts: dict[str, Verdict] = {}
    for info in checklist.elements:
        pairs: list[tuple[LanguageLexicon, ElementLexicon]] = [(lx, lx.elements[info.id]) for lx in run]
        verdicts[info.id] = judge(ctx, info.id, pairs)

    elements = tuple(_element_result(ctx, checklist, verdicts[info.id], report_lang) for info in checklist.elements)
    checks = tuple(_checks(ctx, checklist, verdicts, report_lang))
    pitfalls = tuple(_pitfall_summaries(checklist, elements, report_lang))
    warnings = list(document.warnings)
    if unsupported is not None:
        warnings.append(t("warn.unsupported_language", report_lang, language=t(f"lang.{unsupported}", report_lang)))
    words = len(document.text.split())
    if words < 150:
        warnings.append(t("warn.short", report_lang, words=words))
    score = round(sum(p.score for p in pitfalls) / len(pitfalls)) if pitfalls else 0
    return ScanResult(
        document=document, language=doc_lang, report_language=report_lang, elements=elements,
        pitfalls=pitfalls, checks=checks, score=score, tool_version=__version__,
        block_languages=block_langs, warnings=tuple(warnings),
    )


def _element_result(ctx: Context, checklist: Checklist, verdict: Verdict, lang: str) -> ElementResult:
    info = checklist.element(verdict.element)
    evidence = evidence_for(ctx, verdict.hits) if verdict.status.covered else ()
    if verdict.cause == "covered":
        section = evidence[0].section if evidence else None
        where = t("where_section", lang, section=_short(section)) if section else ""
        count = len({h.sentence for h in verdict.hits})
        reason = t("covered", lang, where=where, n=count, passages=t("passage" if count == 1 else "passages", lang))
    elif verdict.cause == "placeholder":
        reason = t("placeholder", lang, placeholder=verdict.placeholder or "")
    elif verdict.cause == "no_value":
        reason = t("no_value", lang, value=t(f"value.{verdict.value_kind}", lang))
    elif verdict.cause == "not_found":
        terms = ", ".join(f"“{term}”" for term in info.searched_for(lang)[:4])
        reason = t("not_found", lang, terms=terms)
    else:
        reason = t(verdict.cause, lang)
    gap = verdict.status in (Status.WEAK, Status.MISSING)
    return ElementResult(
        id=info.id, pitfall=info.pitfall, status=verdict.status, reason=reason, name=info.name.get(lang),
        evidence=evidence, severity=info.severity, advice=info.advice.get(lang) if gap else "",
        searched_for=info.searched_for(lang), questions=info.questions(lang) if gap else (),
        description=info.description.get(lang),
    )


def _short(section: str, limit: int = 60) -> str:
    section = " ".join(section.split())
    return section if len(section) <= limit else section[: limit - 1] + "…"


def _checks(ctx: Context, checklist: Checklist, verdicts: dict[str, Verdict], lang: str) -> list[Check]:
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
        found = [float(m.group(1).replace(",", ".")) for m in ctx.cues.percent.finditer(ctx.text, sentence.start, sentence.end)]
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
        return [Check("ownership_sum", Severity.ERROR, t("check.ownership_sum", lang, total=f"{total:g}"), evidence)]
    if len(set(shares)) == 1:
        governance = verdicts.get("governance")
        if governance is None or not any(h.rule.endswith(".deadlock") for h in governance.hits):
            return [Check("deadlock_missing", Severity.WARNING, t("check.deadlock", lang, split=split), evidence)]
        return []
    tip = checklist.pitfall(2).tip.get(lang)
    return [Check("unequal_split", Severity.INFO, t("check.unequal", lang, split=split, tip=tip), evidence)]


def _pitfall_summaries(checklist: Checklist, elements: Sequence[ElementResult], lang: str) -> list[PitfallSummary]:
    out = []
    for pitfall in checklist.pitfalls:
        own = [e for e in elements if e.pitfall == pitfall.id and e.status != Status.NOT_APPLICABLE]
        value = sum(1.0 if e.status == Status.PRESENT else 0.5 if e.status == Status.WEAK else 0.0 for e in own)
        score = round(100 * value / len(own)) if own else 100
        out.append(PitfallSummary(pitfall.id, pitfall.key, pitfall.title.get(lang), pitfall.tip.get(lang), score))
    return out
