"""Normalisation rules shared by the gazetteer, the actor registry and the extractor."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.textnorm import (
    _normalise_ascii,
    _normalise_unicode,
    latin_skeleton,
    name_keys,
    normalise,
    normalised_words,
    query_forms,
    strip_arabic_prefixes,
)


@pytest.mark.parametrize(("left", "right"), [
    ("أبو حمام", "ابو حمام"),          # hamza on alef
    ("إسرائيل", "اسرائيل"),
    ("الطيانة", "الطيانه"),            # ta marbuta / ha
    ("مصطفى", "مصطفي"),                # alef maqsura / ya
    ("الميَادِين", "الميادين"),        # diacritics
    ("الميـــادين", "الميادين"),       # tatweel
    ("٣٠ جريح", "30 جريح"),            # Arabic-Indic digits
    ("Deir ez-Zor", "deir EZ zor"),     # case and hyphen
    ("Ma'adan", "Maadan"),              # apostrophe
], ids=["hamza", "hamza-below", "ta-marbuta", "alef-maqsura", "diacritics", "tatweel", "digits",
        "case-hyphen", "apostrophe"])
def test_normalise_folds_variants(left, right):
    assert normalise(left) == normalise(right)


def test_normalise_keeps_distinct_names_apart():
    assert normalise("الميادين") != normalise("البوكمال")


@pytest.mark.parametrize(("spaced", "joined"), [("دير الزور", "ديرالزور"), ("البو كمال", "البوكمال")])
def test_spacing_variants_share_a_key(spaced, joined):
    assert set(name_keys(spaced)) & set(name_keys(joined))


@pytest.mark.parametrize("written", ["وبالميادين", "بالميادين", "والميادين", "للميادين", "فالميادين"])
def test_attached_prefixes_are_stripped(written):
    assert "الميادين" in strip_arabic_prefixes(written)


@pytest.mark.parametrize("phrase", ["في الميادين", "من الميادين", "فيالميادين"])
def test_query_forms_drop_prepositions(phrase):
    forms = query_forms(normalise(phrase).split())
    assert ["الميادين"] in forms


@pytest.mark.parametrize(("one", "other"), [
    ("deirezzor", "dayrzawr"), ("mayadeen", "mayadin"), ("meyadine", "mayadin"), ("bukamal", "boukamal"),
])
def test_latin_skeleton_meets_transliterations(one, other):
    assert latin_skeleton(one) == latin_skeleton(other)


def test_latin_skeleton_separates_different_names():
    assert latin_skeleton("hajin") != latin_skeleton("dhiban")


_ASCII_HEAVY = st.text(alphabet=st.sampled_from(string.printable + "'`-_/.,;:()[]\"!?"), max_size=200)
_ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(_ASCII_HEAVY, _ANY_TEXT))
def test_ascii_fast_path_equals_the_unicode_path(text):
    if text.isascii():
        assert _normalise_ascii(text) == _normalise_unicode(text)
    assert normalise(text) == _normalise_unicode(text)
    assert normalised_words(text) == normalise(text).split()
    assert " ".join(normalised_words(text)) == normalise(text)


@pytest.mark.parametrize("text", ["", "  ", "Ma'adan", "Deir ez-Zor", "a`b", "\t\x0b\x0c\r\n", "AbC--dE__f/g.h",
                                  "https://example.org/a?b=1&c=2", "\x00\x1f\x7f", "ﬁ", "Ḥajīn"],
                         ids=["empty", "spaces", "apostrophe", "hyphen", "backtick", "control-space", "separators",
                              "url", "control", "ligature", "accents"])
def test_fast_path_examples_match(text):
    assert normalise(text) == _normalise_unicode(text)
