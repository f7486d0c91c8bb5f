"""Splitting article text into sentences and sentences into normalised tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.textnorm import is_arabic, normalise, strip_arabic_prefixes, strip_article

_TOKEN = re.compile(r"#?[\w'’\u0610-\u061a\u064b-\u065f\u0670\u0640]+(?:-\d+\w*)?|[،,;:–—]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"”’»)]*\s+")
# A full stop after these is no sentence end: "U.S. forces", "Gen. Kurilla", "2:00 a.m. (Syria time)",
# a US legislator's party and state ("(R-Tex.)", "(D-Calif.)", "(I-Vt.)"), and initials in
# either script ("J. Smith", "الصيدلاني (ع. س)").
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b[\u0621-\u064a]|\b(?:Gen|Lt|Col|Maj|Sen|Rep|Dr|Mr|Mrs|Ms|St|No|Nov|Oct|"
                           r"Sept|Sep|Dec|Jan|Feb|Aug|Jr|vs|etc|a\.m|p\.m|[RDI]-\w+))\.$")
_US = re.compile(r"\bU\.S\.(?=\s|$|[,;:)])|\bU\.S\b")
PUNCTUATION = frozenset("،,;:–—")


@dataclass(frozen=True)
class Token:
    """A word (or separator) of a sentence: text as written, normalised form, bare forms, offset."""

    text: str
    norm: str
    forms: tuple[str, ...]
    start: int

    @property
    def is_punct(self) -> bool:
        return self.text in PUNCTUATION

    @property
    def is_capitalised(self) -> bool:
        word = self.text.lstrip("#")
        return bool(word) and (word[0].isupper() or word[0].isdigit())


@dataclass(frozen=True)
class Sentence:
    """One sentence: its verbatim text, its tokens, its paragraph and position in the article."""

    text: str
    tokens: tuple[Token, ...]
    paragraph: int
    index: int
    headline: bool = False

    @property
    def is_arabic(self) -> bool:
        return is_arabic(self.text)


def tokenise(text: str) -> tuple[Token, ...]:
    """Tokens of a sentence; Arabic words carry their forms without clitics (و، ب، ل، ف، ال)."""
    # "U.S." -> "US" padded to the same length, so offsets still index the original text
    prepared = _US.sub(lambda found: "US".ljust(len(found.group(0))), text)
    tokens = []
    for found in _TOKEN.finditer(prepared):
        raw = found.group(0)
        norm = normalise(raw.lstrip("#")) if raw not in PUNCTUATION else raw
        norm = norm.replace(" ", "")
        if not norm:
            continue
        forms = (norm,)
        if is_arabic(norm):
            bare = strip_arabic_prefixes(norm)
            # the article too: "الاشتباكات" meets the cue "اشتباكات"
            forms = tuple(dict.fromkeys([*bare, *(strip_article(form) for form in bare)]))
        tokens.append(Token(raw, norm, forms, found.start()))
    return tuple(tokens)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of an article: one per line or per full stop, never across a paragraph."""
    sentences: list[Sentence] = []
    for paragraph_number, paragraph in enumerate(re.split(r"\n", text)):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        start = 0
        pieces = []
        for found in _SENTENCE_END.finditer(paragraph):
            before = paragraph[start:found.start()]
            if _ABBREVIATION.search(before):
                continue
            pieces.append(paragraph[start:found.start()])
            start = found.end()
        pieces.append(paragraph[start:])
        # A short line without a closing stop is a title, a dateline or a summary line.
        # a closing quote ends a sentence only after a stop: 'غارات على "جبل البشري"' is a title
        closed = paragraph.rstrip("\"”»’'")
        headline = not (closed.endswith((".", "!", "?", "؟", ":", "…")) or
                        closed != paragraph and closed.endswith((".", "!", "?", "؟", "…", ":")) or
                        paragraph.endswith(("»", "”", '"')) and len(paragraph.split()) >= 40) and \
            len(paragraph.split()) < 40
        for piece in pieces:
            piece = piece.strip()
            if piece:
                sentences.append(Sentence(piece, tokenise(piece), paragraph_number, len(sentences), headline))
    return sentences
