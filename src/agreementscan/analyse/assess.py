"""Judge every checklist element from lexicon hits: present, weak, missing or not applicable.

A hit is a lexicon match in one sentence. Its score is the rule's weight, plus a bonus when
the sentence stands under a heading about the element, plus a bonus when a value the rule
asks for (a notice period, a frequency) is in the sentence. Negations, placeholders and
vague wording turn a hit into weak support. An element is covered when its best hit (plus a
little for independent corroboration) reaches the element's threshold.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .. import limits
from ..lexicon.cues import StructureCues, builtin_cues
from ..lexicon.schema import ElementLexicon, LanguageLexicon, Rule
from ..model import Document, Evidence, Status
from .sentences import Sentence, SentenceIndex, TokenHit

SECTION_BONUS = 1.0
VALUE_BONUS = 0.5
CORROBORATION = 0.25
CORROBORATION_CAP = 1.0
DEFINITION_PENALTY = 1.5
"""A defined term ('"Affiliate" means ...') names a thing without agreeing to it."""
NEGATION_WINDOW = 60
"""Characters before a match in which a negation cue counts ("shall not terminate for...")."""
MAX_EVIDENCE = 3
MAX_HITS_PER_RULE = limits.MAX_HITS_PER_RULE
MAX_SNIPPET = 400


@dataclass(frozen=True)
class Hit:
    rule: str
    start: int
    end: int
    sentence: int
    score: float
    negated: bool = False
    placeholder: str | None = None
    vague: bool = False
    """From a rule with ``status = "weak"``."""
    heading: bool = False


@dataclass(frozen=True)
class Verdict:
    """The analysis of one element before texts are attached."""

    element: str
    status: Status
    cause: str
    """Why: covered, placeholder, negated, vague, no_value, not_found, not_applicable."""
    hits: tuple[Hit, ...]
    value_kind: str | None = None
    placeholder: str | None = None


class Context:
    """Per-document state shared by all element assessments."""

    def __init__(self, document: Document, sentences: list[Sentence], token_hits: list[TokenHit],
                 cues: StructureCues | None = None) -> None:
        self.document = document
        self.cues = cues or builtin_cues()
        """Heading, party and percentage patterns of the languages in play."""
        self.text = document.text
        lower = document.text.lower()
        # Lower-casing can change the length of a few characters (İ); offsets must not move.
        self.lower: str | None = lower if len(lower) == len(document.text) else None
        self.sentences = sentences
        self.index = SentenceIndex(sentences)
        # Heading sentences, found once: every element's heading patterns look only at these.
        self.headings = [i for i, s in enumerate(sentences) if s.heading and s.section]
        self.token_hits: dict[str, list[tuple[int, int]]] = {}
        for rule_id, start, end in token_hits:
            self.token_hits.setdefault(rule_id, []).append((start, end))
        self._sentence_text: dict[int, str] = {}
        self._skipped: dict[str, frozenset[int]] = {}
        self._anchor_sentences: dict[str, frozenset[int]] = {}
        self._placeholders: dict[tuple[str, int], str | None] = {}
        self._definitional: dict[str, frozenset[int]] = {}

    def placeholder(self, lexicon: LanguageLexicon, i: int) -> str | None:
        """The placeholder ("[●]", "TBD") in sentence ``i``, if any; cached per language."""
        key = (lexicon.language, i)
        if key not in self._placeholders:
            found = lexicon.placeholders.search(self.sentence_text(i))
            self._placeholders[key] = found.group() if found else None
        return self._placeholders[key]

    def sentences_with(self, anchors: tuple[str, ...]) -> list[int]:
        """Indices of sentences whose lower-cased text contains any of ``anchors``, in order."""
        found: set[int] = set()
        for anchor in anchors:
            cached = self._anchor_sentences.get(anchor)
            if cached is None:
                hits: set[int] = set()
                text = self.lower or ""
                start = text.find(anchor)
                while start != -1:
                    i = self.index.at(start)
                    if i is not None:
                        hits.add(i)
                        # One occurrence per sentence is enough: jump to the sentence's end.
                        start = text.find(anchor, self.sentences[i].end)
                    else:
                        start = text.find(anchor, start + 1)
                cached = self._anchor_sentences[anchor] = frozenset(hits)
            found |= cached
        return sorted(found)

    def skipped(self, lexicon: LanguageLexicon) -> frozenset[int]:
        """Sentences that never count: tables of contents and the language's ignore list."""
        cached = self._skipped.get(lexicon.language)
        if cached is None:
            found = set()
            for i in range(len(self.sentences)):
                s_text = self.sentence_text(i)
                if len(self.cues.toc_entry.findall(s_text)) >= 3 or (
                    lexicon.ignore is not None and lexicon.ignore.search(s_text)
                ):
                    found.add(i)
            cached = self._skipped[lexicon.language] = frozenset(found)
        return cached

    def definitional(self, lexicon: LanguageLexicon) -> frozenset[int]:
        """Sentences that define a term, or stand under a definitions heading."""
        cached = self._definitional.get(lexicon.language)
        if cached is None:
            found = set()
            pattern = lexicon.definitions
            if pattern is not None:
                for i, sentence in enumerate(self.sentences):
                    head = self.sentence_text(i)[:200]
                    if pattern.search(head) or (
                        sentence.section and self.cues.definitions_heading.search(sentence.section)
                    ):
                        found.add(i)
            cached = self._definitional[lexicon.language] = frozenset(found)
        return cached

    def sentence_text(self, i: int) -> str:
        cached = self._sentence_text.get(i)
        if cached is None:
            s = self.sentences[i]
            cached = self._sentence_text[i] = self.text[s.start:s.end]
        return cached


def _matches(ctx: Context, rule: Rule) -> Iterator[tuple[int, int]]:
    """(start, end) of a rule's matches in text order; lazy, so the caller can stop early."""
    if rule.anchors is not None and ctx.lower is not None and rule.regex is not None:
        pattern = rule.lower_regex or rule.regex
        target = ctx.lower if rule.lower_regex is not None else ctx.text
        for i in ctx.sentences_with(rule.anchors):
            sentence = ctx.sentences[i]
            yield from ((m.start(), m.end()) for m in pattern.finditer(target, sentence.start, sentence.end)
                        if m.end() > m.start())
        return
    if rule.lower_regex is not None and ctx.lower is not None:
        yield from ((m.start(), m.end()) for m in rule.lower_regex.finditer(ctx.lower) if m.end() > m.start())
        return
    if rule.regex is not None:
        yield from ((m.start(), m.end()) for m in rule.regex.finditer(ctx.text) if m.end() > m.start())
        return
    yield from ctx.token_hits.get(rule.id, [])


def _value_in(lexicon: LanguageLexicon, kind: str | None, text: str) -> bool:
    return kind is not None and bool(lexicon.values[kind].search(text))


def find_hits(ctx: Context, lexicon: LanguageLexicon, element: ElementLexicon) -> list[Hit]:
    """Every scored hit of one element in one language's lexicon."""
    hits: list[Hit] = []
    text = ctx.text
    headings = element.headings

    def in_section(sentence: Sentence) -> bool:
        return headings is not None and sentence.section is not None and bool(headings.search(sentence.section))

    skip = ctx.skipped(lexicon)
    definitional = ctx.definitional(lexicon)

    for rule in element.rules:
        last_sentence = -1
        found = 0
        for start, end in _matches(ctx, rule):
            if found >= MAX_HITS_PER_RULE:
                break  # a clause repeated 100,000 times says no more than one repeated 2,000 times
            i = ctx.index.at(start)
            if i is None or i == last_sentence or i in skip:
                continue  # one hit per rule per sentence is enough
            sentence = ctx.sentences[i]
            if sentence.heading:
                continue  # headings count through the element's heading patterns, once
            s_text = ctx.sentence_text(i)
            if rule.context is not None and not rule.context.search(s_text):
                continue
            if rule.exclude is not None and rule.exclude.search(s_text):
                continue
            last_sentence = i
            negated = False
            if element.negation != "count":
                if element.negations is not None and element.negations.search(s_text):
                    negated = True
                elif rule.negatable:
                    before = text[max(sentence.start, start - NEGATION_WINDOW):start]
                    negated = bool(lexicon.negation_cues.search(before))
            placeholder = ctx.placeholder(lexicon, i)
            score = rule.weight
            if i in definitional:
                score -= DEFINITION_PENALTY
            if in_section(sentence):
                score += SECTION_BONUS
            if _value_in(lexicon, rule.value, s_text):
                score += VALUE_BONUS
            hits.append(Hit(rule.id, start, end, i, score, negated, placeholder, rule.status == "weak"))
            found += 1
    if headings is not None:
        rule_id = f"{lexicon.language}.{element.element}.heading"
        # Sentences where a rule found vague wording: a set, so the lookup per heading is O(1).
        vague_sentences = {h.sentence for h in hits if h.vague}
        for i in ctx.headings:
            sentence = ctx.sentences[i]
            if i in skip or not headings.search(sentence.section or ""):
                continue
            # Point the evidence at the first sentence under the heading: that is the clause.
            target = i
            for j in range(i + 1, min(i + 4, len(ctx.sentences))):
                if not ctx.sentences[j].heading:
                    target = j
                    break
                if ctx.sentences[j].section != sentence.section:
                    break
            s_text = ctx.sentence_text(target)
            placeholder = ctx.placeholder(lexicon, target)
            negated = bool(element.negations is not None and element.negations.search(s_text))
            # The clause under the heading decides how firm the heading is: if the rules
            # found it vague there, the heading alone must not make the element present.
            vague = target in vague_sentences
            hits.append(Hit(rule_id, ctx.sentences[target].start, ctx.sentences[target].end, target,
                            element.heading_weight, negated, placeholder, vague=vague, heading=True))
    return hits


def judge(ctx: Context, element_id: str, pairs: Sequence[tuple[LanguageLexicon, ElementLexicon]]) -> Verdict:
    """Decide one element's status from the hits of every lexicon that applies."""
    hits: list[Hit] = []
    for lexicon, element in pairs:
        hits.extend(find_hits(ctx, lexicon, element))
    lexicon, element = pairs[0]
    valid = [h for h in hits if not h.negated]
    negated = [h for h in hits if h.negated]
    if valid:
        best = max(h.score for h in valid)
        rules = {h.rule for h in valid}
        score = best + min(CORROBORATION * (len(rules) - 1), CORROBORATION_CAP)
    else:
        score = 0.0
    ranked = tuple(sorted(valid, key=lambda h: (-h.score, h.start)))
    if score >= element.threshold:
        strong = [h for h in valid if h.score >= element.threshold and not h.vague and not h.placeholder]
        # An unfinished clause ("[●]", "TBD") about the element makes it weak even when
        # other sentences look complete: the draft is not ready to sign on this point.
        placeholders = [h for h in valid if h.placeholder and not h.vague and h.score >= element.threshold]
        if placeholders:
            return Verdict(element_id, Status.WEAK, "placeholder", _first(placeholders, ranked),
                           placeholder=placeholders[0].placeholder)
        if not strong:
            return Verdict(element_id, Status.WEAK, "vague", ranked)
        # Judge both sides on the clauses under the element's own heading when there are any.
        focused = [h for h in strong if h.score >= element.threshold + SECTION_BONUS] or strong
        if element.each_party and not _both_sides(ctx, focused):
            return Verdict(element_id, Status.WEAK, "one_side", _first(strong, ranked))
        if element.requires_value is not None:
            kind = element.requires_value
            with_value = [
                h for h in valid if any(_value_in(lx, kind, ctx.sentence_text(h.sentence)) for lx, _ in pairs)
            ]
            if not with_value:
                return Verdict(element_id, Status.WEAK, "no_value", ranked, value_kind=kind)
            ranked = _first(with_value, ranked)
        return Verdict(element_id, Status.PRESENT, "covered", _first(strong, ranked))
    if negated and element.negation == "weak" and max(h.score for h in negated) >= element.threshold:
        return Verdict(element_id, Status.WEAK, "negated", _rank(negated))
    if _not_applicable(ctx, pairs):
        return Verdict(element_id, Status.NOT_APPLICABLE, "not_applicable", ())
    return Verdict(element_id, Status.MISSING, "not_found", ())


def _both_sides(ctx: Context, hits: Sequence[Hit]) -> bool:
    """True when the hits cover more than one party (or name each party together)."""
    actors: set[str] = set()
    for hit in hits:
        s_text = ctx.sentence_text(hit.sentence)
        if ctx.cues.both.search(s_text[:120]):
            return True
        match = ctx.cues.subject.match(s_text)
        if match:
            actors.add(match.group(1).strip().lower())
    return len(actors) >= 2


def _rank(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    return tuple(sorted(hits, key=lambda h: (-h.score, h.start)))


def _first(chosen: Sequence[Hit], ranked: Sequence[Hit]) -> tuple[Hit, ...]:
    """``chosen`` ranked, then the rest of ``ranked`` in its order.

    A set for the membership test: with a list this was quadratic, and a document made of
    one clause repeated ten thousand times took minutes.
    """
    lead = _rank(chosen)
    taken = set(lead)
    return lead + tuple(h for h in ranked if h not in taken)


def _not_applicable(ctx: Context, pairs: Sequence[tuple[LanguageLexicon, ElementLexicon]]) -> bool:
    for _, element in pairs:
        if element.not_applicable_if is not None and element.not_applicable_if.search(ctx.text):
            return True
    conditions = [element.applicable_if for _, element in pairs if element.applicable_if is not None]
    if conditions and not any(c.search(ctx.text) for c in conditions):
        return True
    return False


def evidence_for(ctx: Context, hits: Sequence[Hit], limit: int = MAX_EVIDENCE) -> tuple[Evidence, ...]:
    """Evidence spans for the best hits: their sentences, one per sentence, clipped around the match."""
    out: list[Evidence] = []
    seen: set[int] = set()
    for hit in hits:
        if hit.sentence in seen:
            continue
        seen.add(hit.sentence)
        sentence = ctx.sentences[hit.sentence]
        start, end = sentence.start, sentence.end
        if end - start > MAX_SNIPPET:
            start = max(sentence.start, hit.start - 150)
            end = min(sentence.end, max(hit.end, start) + 250)
            start, end = _word_bounds(ctx.text, start, end, sentence.start, sentence.end)
        block = ctx.document.blocks[sentence.block]
        out.append(Evidence(
            text=ctx.text[start:end], start=start, end=end, page=block.page, paragraph=block.paragraph,
            line=_line_of(ctx, block, start), section=sentence.section, rule=hit.rule,
        ))
        if len(out) >= limit:
            break
    return tuple(out)


def _word_bounds(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    while start > low and not text[start - 1].isspace() and start > 0:
        start -= 1
    while end < high and not text[end].isspace():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_of(ctx: Context, block: object, offset: int) -> int | None:
    line = getattr(block, "line", None)
    if line is None:
        return None
    return line + ctx.text.count("\n", getattr(block, "start", offset), offset)
