"""Text normalisation for matching Arabic and English names and free-text search.

One implementation serves the gazetteer, the actor registry, the extractor and
the search filter, so a name that matches in one place matches in all of them.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ک": "ك",
    "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4",
    "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
    "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4",
    "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9",
    "،": " ", "؛": " ", "؟": " ", "«": " ", "»": " ", "“": " ", "”": " ",
})
_LATIN_PUNCT = re.compile(r"[\u2018\u2019\u02bc\u02bb`'´ʿʾ]")
_SEPARATORS = re.compile(r"[\s\-_/.,;:()\[\]\"!?]+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# _SEPARATORS for ASCII as a byte translation, plus the apostrophes dropped:
# one pass, then split() folds the runs of spaces, as the pattern's ``+`` does.
# A bytes table: str.translate looks every character up in a dict, three
# times slower on a bulk import's search text.
_ASCII_SEPARATORS = b"-_/.,;:()[]\"!?"
_ASCII_FOLD = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))
_ASCII_DROPPED = b"'`"


def fold_arabic(text: str) -> str:
    """Drop diacritics and tatweel and fold letter variants (alef, ya, ta marbuta, digits)."""
    text = _ARABIC_DIACRITICS.sub("", text.replace(_TATWEEL, ""))
    return text.translate(_ARABIC_FOLD)


def normalise(text: str) -> str:
    """Fold case, accents, Arabic letter variants and punctuation to one spaced form.

    >>> normalise("Deir ez-Zor") == normalise("deir EZ zor")
    True
    """
    if text.isascii():
        return _normalise_ascii(text)
    return _normalise_unicode(text)


def normalised_words(text: str) -> list[str]:
    """``normalise(text).split()``, without joining and splitting again for ASCII text."""
    if text.isascii():
        return _fold_ascii(text).split()
    return _normalise_unicode(text).split()


def _normalise_ascii(text: str) -> str:
    """`normalise` for ASCII text, about ten times faster (a bulk import's search text is mostly ASCII).

    ASCII is unchanged by NFKC and NFKD, holds no combining marks nor Arabic
    letters, and casefolds as it lowercases; only the apostrophes, case and
    separators are left to fold. A test checks it equals `_normalise_unicode`.
    """
    return " ".join(_fold_ascii(text).split())


def _fold_ascii(text: str) -> str:
    """ASCII text lowercased, its separators as spaces and its apostrophes dropped."""
    return text.encode("ascii").translate(_ASCII_FOLD, _ASCII_DROPPED).lower().decode("ascii")


def _normalise_unicode(text: str) -> str:
    """`normalise` for any text."""
    text = unicodedata.normalize("NFKC", text)
    text = fold_arabic(text)
    text = _LATIN_PUNCT.sub("", text)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
                   or _ARABIC_LETTER.match(ch))
    text = text.casefold()
    return _SEPARATORS.sub(" ", text).strip()


def is_arabic(text: str) -> bool:
    """True when the text holds Arabic letters."""
    return bool(_ARABIC_LETTER.search(text))


def _strip_arabic_article(word: str) -> str:
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


# Clitics written onto an Arabic word: wa-, bi-, li-, fa-, ka- and their
# combinations with the article (وال، بال، لل، فال، وبال).
_ARABIC_PREFIXES = ("وبال", "وفال", "ولل", "وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك")


def strip_arabic_prefixes(word: str) -> list[str]:
    """Possible bare forms of an Arabic word after removing attached clitics."""
    forms = [word]
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            rest = word[len(prefix):]
            if prefix.endswith("ال") or prefix.endswith("لل"):
                forms.append(rest)
                forms.append("ال" + rest)
            else:
                forms.append(rest)
    seen: list[str] = []
    for form in forms:
        if form not in seen:
            seen.append(form)
    return seen


# Prepositions written as separate words before a place name ("في الميادين",
# "من البوكمال"); the lookup drops them so a spotted phrase meets its entry.
_ARABIC_LEADING_WORDS = ("في", "من", "الى", "على", "عند", "قرب")
# Attached forms of في and من are rare but occur in hurried copy ("فيالميادين").
_ARABIC_LONG_PREFIXES = ("في", "من")
_LATIN_DIGRAPHS = (("dh", "d"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ph", "f"),
                   ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"))
_LATIN_TRAILING_H = re.compile(r"(?<=[aeiou])h$")
_LATIN_VOWELS = re.compile("[aeiouyw]")
_DOUBLED = re.compile(r"(.)\1+")
# English articles written before a name, as separate words once normalised ("ez" of "Deir ez-Zor").
EN_ARTICLES = frozenset(("al", "el", "ad", "adh", "ar", "as", "ash", "at", "ath", "az", "an",
                         "ed", "er", "es", "et", "ez", "en", "ul"))


def strip_article(word: str) -> str:
    """A word without its leading Arabic article ``ال`` (kept when too little would remain)."""
    return _strip_arabic_article(word)


def latin_skeleton(key: str) -> str:
    """Consonant skeleton of a romanised name, so transliterations meet.

    Digraphs fold (dh/d, kh/k, sh/s, q/k), vowels and the glides y/w drop and
    doubled letters collapse: ``mayadeen``, ``mayadin`` and ``meyadine`` all give
    ``mdn``; ``deirezzor`` and ``dayrzawr`` give ``drzr``.
    """
    text = _LATIN_TRAILING_H.sub("", key)
    for pair, single in _LATIN_DIGRAPHS:
        text = text.replace(pair, single)
    text = _LATIN_VOWELS.sub("", text)
    return _DOUBLED.sub(r"\1", text)


def word_keys(words: list[str]) -> tuple[str, ...]:
    """Lookup keys of a name given as normalised words (see `name_keys`)."""
    if not words:
        return ()
    if is_arabic(" ".join(words)):
        joined = _strip_arabic_article(words[0]) + "".join(words[1:])
        every = "".join(_strip_arabic_article(word) for word in words)
        return (joined,) if joined == every else (joined, every)
    kept = [word for word in words if word not in EN_ARTICLES]
    key = "".join(kept)
    if key.startswith(("al", "el")) and len(key) > 6:
        # "Albu Kamal", "Alhiri": the article glued on without a hyphen
        return (key, key[2:])
    return (key,)


def name_keys(text: str) -> tuple[str, ...]:
    """Every key under which a gazetteer name is indexed.

    Arabic names give the words joined with the first article dropped
    (``ديرالزور``) and with every article dropped (``ديرزور``), so that
    ``دير الزور``, ``ديرالزور`` and ``الزور`` written apart meet. English names
    give the words joined without articles (``deirzor`` for Deir ez-Zor).
    """
    return word_keys(normalise(text).split())


def query_forms(words: list[str]) -> list[list[str]]:
    """Word lists to try for a normalised query: as written, then without prepositions and clitics.

    ``في الميادين``, ``بالميادين``, ``وبالميادين`` and ``فالميادين`` all yield
    ``الميادين`` among their forms.
    """
    forms = [words]
    if not words or not is_arabic(words[0]):
        return forms
    rest = list(words)
    while len(rest) > 1 and rest[0] in _ARABIC_LEADING_WORDS:
        rest = rest[1:]
        forms.append(rest)
    first = rest[0]
    bare_forms = strip_arabic_prefixes(first)[1:]
    for prefix in _ARABIC_LONG_PREFIXES:
        if first.startswith(prefix) and len(first) - len(prefix) >= 3:
            bare_forms.append(first[len(prefix):])
    for bare in bare_forms:
        forms.append([bare, *rest[1:]])
    return forms
