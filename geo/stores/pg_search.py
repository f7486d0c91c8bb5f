"""Free-text search in PostgreSQL through a word index: cheap to write, exact to query.

A search term (normalised, no spaces) matches an incident when it is a
substring of the incident's search text, as in the in-memory filter. Since the
term holds no space, it is then a substring of one of the text's words. So the
database keeps, per incident, the 32-bit hashes of its words
(``search_words``, a GIN-indexed ``int4[]``) and, once per distinct word, the
word and its hash (``search_vocab``, trigram-indexed). A query finds the
vocabulary words holding the term, then the incidents holding any of their
hashes, and rechecks ``search_text LIKE`` so that a hash collision can never
add a match. An integer GIN index costs a bulk load a quarter of what a
trigram index over every incident's whole text costs, and the trigrams now
cover each word once, not once per incident.

Words made only of digits (years, counts, the numbers in an event id's notes)
are left out of both: they made up half the new words of a bulk load, and a
term that holds a letter can never be inside one of them, so the index still
finds every match for such a term. A term made only of digits may be inside
any word, so it is searched by LIKE alone (see `term_hashes`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import psycopg

from geo.stores.pg_copy import copy_into, int4_array, int4_element, int4_values
from geo.stores.pg_sql import array_literal, like_pattern

# A term found in more vocabulary words than this is searched by LIKE alone:
# probing the word index for every one of them would cost more than the scan.
MAX_TERM_WORDS = 5000
# Words an import remembers having sent, so that common ones are not sent
# again with every batch; forgotten all at once beyond this to bound memory.
MAX_REMEMBERED_WORDS = 300_000


def word_hash(word: str) -> int:
    """A stable 32-bit signed hash of a word (CRC-32, the same in every process and version)."""
    value = zlib.crc32(word.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


class WordIndex(dict):
    """The word hashes of the incidents one write sends, and the words it has not yet sent to ``search_vocab``.

    Maps each word met to its hash packed as a binary int4[] element (empty
    for a word the index leaves out), so that a row's array is plain dict
    look-ups and one join, with no Python call per word; a word met for the
    first time (or again after the map forgot everything, beyond
    MAX_REMEMBERED_WORDS) is queued for the vocabulary.
    """

    def __init__(self) -> None:
        super().__init__()
        self.fresh: list[tuple[str, int]] = []

    def __missing__(self, word: str) -> bytes:
        if len(self) >= MAX_REMEMBERED_WORDS:
            self.clear()  # resending a known word costs the vocabulary one conflict
        if word.isdigit():
            packed = b""
        else:
            code = word_hash(word)
            self.fresh.append((word, code))
            packed = int4_element(code)
        self[word] = packed
        return packed

    def array(self, words: Iterable[str]) -> bytes:
        """The hashes of the words the index keeps, as binary COPY data for ``search_words``."""
        return int4_array(b"".join(map(self.__getitem__, words)))

    def hashes(self, words: Iterable[str]) -> list[int]:
        """The hashes of the words the index keeps, in order."""
        return int4_values(self.array(words))

    def new_words(self) -> list[tuple[str, int]]:
        """(word, hash) of every word met since the last call that the vocabulary may lack."""
        fresh, self.fresh = self.fresh, []
        return fresh


def write_vocabulary(conn: psycopg.Connection, words: list[tuple[str, int]]) -> None:
    """Add (word, hash) pairs to ``search_vocab``; words already there are left alone."""
    if words:
        conn.execute("INSERT INTO search_vocab (word, hash) SELECT * FROM unnest(%s::text[], %s::integer[]) "
                     "ON CONFLICT (word) DO NOTHING",
                     (array_literal(word for word, _ in words), "{" + ",".join(str(code) for _, code in words) + "}"))


def copy_vocabulary(conn: psycopg.Connection, data: bytes) -> bool:
    """COPY new words (binary (word, hash) rows) into ``search_vocab``; False, with nothing added, if one was there.

    COPY skips the conflict check of `write_vocabulary`, which costs the
    server a third more per word; callers fall back to it on False.
    """
    try:
        with conn.transaction(), conn.cursor() as cursor:
            copy_into(cursor, "search_vocab", ("word", "hash"), data)
    except psycopg.errors.UniqueViolation:
        return False
    return True


def term_hashes(conn: psycopg.Connection, term: str) -> list[int] | None:
    """The hashes of the vocabulary words holding ``term``; None when LIKE alone should search.

    Terms under three characters have no trigram to look up, a term made
    only of digits may be inside a word the index leaves out, and a term held
    by very many words is cheaper to scan for than to probe for.
    """
    if len(term) < 3 or term.isdigit():
        return None
    rows = conn.execute("SELECT DISTINCT hash FROM (SELECT hash FROM search_vocab WHERE word LIKE %s LIMIT %s) w",
                        (like_pattern(term), MAX_TERM_WORDS + 1)).fetchall()
    if len(rows) > MAX_TERM_WORDS:
        return None
    return [row[0] for row in rows]
