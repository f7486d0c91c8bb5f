"""The article extractor: seed recovery, dates, figures, bad inputs, and the CLI end to end."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from geo.cli import main
from geo.distance import distance_km
from geo.extraction import ArticleError, decode_article, extract_article, extract_drafts, read_article
from geo.extraction.dates import find_date
from geo.extraction.numbers import find_casualties
from geo.extraction.sentences import split_sentences, tokenise
from geo.records import read_incidents
from tests.paths import LIVE_RECORD, SEED_RECORD

ROOT = Path(__file__).parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
SEED = ARTICLES / "000_sy24_seed.txt"  # the seed article of shared/seeds, verbatim
SEED_LABELS = ARTICLES / "000_sy24_seed.labels.yaml"  # the incidents it reports, labelled by hand


@pytest.fixture(scope="module")
def seed_drafts():
    return extract_article(read_article(SEED).text, published="2023-08-24", publisher="SY24")


def _curated():
    """The frozen copy of the curated record: the extractor is measured against a reading that does not move."""
    return yaml.safe_load(SEED_RECORD.read_text(encoding="utf-8"))


def test_the_curated_record_holds_every_incident_the_seed_article_reports():
    # The live incidents.yaml, whatever else curators add to it: each incident the seed article reports
    # has an incident of the same type by the same actors at its place (within the label's precision).
    # Dates are not compared: the labels resolve the undated article against a hypothetical publication date.
    frame, problems = read_incidents(LIVE_RECORD, use_cache=False)
    assert not [problem for problem in problems if problem.severity == "error"]
    labels = yaml.safe_load(SEED_LABELS.read_text(encoding="utf-8"))["incidents"]
    assert labels
    missing = []
    for label in labels:
        same = frame[(frame["event_type"] == label["event_type"]) & (frame["sub_event_type"] == label["sub_event_type"])
                     & (frame["actor1"] == label["actor1"]) & (frame["actor2"].fillna("") == (label["actor2"] or ""))]
        if not any(distance_km(label["lat"], label["lon"], lat, lon) <= label["precision_km"]
                   for lat, lon in zip(same["lat"], same["lon"])):
            missing.append(f"{label['place_en']} ({label['actor1']} / {label['actor2']}, {label['sub_event_type']})")
    assert not missing, f"{LIVE_RECORD.name} lacks incidents the seed article reports: {missing}"


def test_seed_recovers_every_curated_place(seed_drafts):
    found = {draft["gazetteer_id"] for draft in seed_drafts}
    wanted = {incident["gazetteer_id"] for incident in _curated() if incident.get("gazetteer_id")}
    # deir-ez-zor is the curated stand-in for "the city and its eastern countryside" (no place named)
    assert wanted - {"deir-ez-zor"} <= found


def test_seed_recovers_curated_actors_and_event_types(seed_drafts):
    by_place = {}
    for draft in seed_drafts:
        by_place.setdefault(draft["gazetteer_id"], []).append(draft)
    for incident in _curated():
        place_id = incident.get("gazetteer_id")
        if place_id not in by_place or place_id == "deir-ez-zor":
            continue
        drafts = by_place[place_id]
        assert any(d["event_type"] == incident["event_type"] for d in drafts), (place_id, incident["event_type"])
        actor = incident["actor1"]["name"]
        assert any(d["actor1"]["name"] == actor for d in drafts), (place_id, actor)
        if incident.get("actor2"):
            target = incident["actor2"]["name"]
            assert any((d.get("actor2") or {}).get("name") == target for d in drafts), (place_id, target)


def test_each_draft_quotes_its_sentence_verbatim(seed_drafts):
    text = SEED.read_text(encoding="utf-8")
    for draft in seed_drafts:
        assert draft["status"] == "draft"
        assert draft["sources"][0]["quote"] in text
        assert "Confidence:" in draft["notes"]


def test_list_of_places_gives_one_draft_per_place(seed_drafts):
    sentence = [d for d in seed_drafts if "معبر السكك" in d["sources"][0]["quote"]
                and d["event_type"] == "Explosions/Remote violence"]
    assert {d["gazetteer_id"] for d in sentence} >= {"bukamal-desert", "hiri", "sikak-crossing", "my-mazare",
                                                     "rahba-castle", "military-security-mayadin"}


def test_nothing_is_invented_for_an_article_without_incidents():
    text = (ARTICLES / "003_enabbaladi_bread_prices.txt").read_text(encoding="utf-8")
    assert extract_article(text, published="2024-02-20") == []


def test_unnamed_perpetrator_is_a_zero_confidence_placeholder():
    drafts = extract_drafts("قتل مواطن جراء انفجار لغم أرضي في أطراف بلدة هجين، ظهر اليوم.", "2024-03-06")
    assert drafts and drafts[0].record["actor1"]["name"] == "Unidentified armed group"
    assert drafts[0].confidence["actor1"] == 0.0
    assert drafts[0].record["sub_event_type"] == "Remote explosive/landmine/IED"
    assert drafts[0].record["fatalities"] == 1


@pytest.mark.parametrize(("text", "expected", "precision"), [
    ("قصفت قوات النظام القرية أمس", "2024-03-05", "day"),
    ("خلال الليلة الماضية", "2024-03-05", "day"),
    ("ليلة أمس الأحد", "2024-03-03", "day"),
    ("فجر اليوم", "2024-03-06", "day"),
    ("يوم الخميس ٧ آذار/مارس", "2024-03-07", "day"),
    ("في ١٥ آب 2023", "2023-08-15", "day"),
    ("on Monday", "2024-03-04", "day"),
    ("yesterday, March 4", "2024-03-04", "day"),
    ("last night", "2024-03-05", "day"),
    ("On March 2, at approximately 2:00 a.m.", "2024-03-02", "day"),
    ("خلال الأسبوع الماضي", "2024-03-01", "week"),
    ("On the 2nd of this month, gunmen attacked", "2024-03-02", "day"),
    ("في الـ ٤ من الشهر الجاري", "2024-03-04", "day"),
    ("في الثالث من الشهر الجاري", "2024-03-03", "day"),
    ("في الـ ١٠ من شباط الماضي", "2024-02-10", "day"),
    ("on the third of February", "2024-02-03", "day"),
    ("shot dead on the evening of the 5th by gunmen", "2024-03-05", "day"),
    ("on the 20th, a drone struck", "2024-02-20", "day"),
], ids=["amss", "last-night-ar", "weekday-ar", "dawn-today", "arabic-month-indic", "aab", "monday",
        "explicit-en", "last-night", "march-2", "last-week", "nth-of-this-month", "n-of-current-month-ar",
        "ordinal-word-ar", "n-of-month-ar", "ordinal-word-en", "the-5th", "the-20th-last-month"])
def test_dates_resolve_against_publication(text, expected, precision):
    found = find_date(tokenise(text), dt.date(2024, 3, 6), None)
    assert found is not None
    assert (found.date.isoformat(), found.precision) == (expected, precision)


def test_a_sentence_without_date_gives_none():
    assert find_date(tokenise("the base was hit"), dt.date(2024, 3, 6), None) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("مقتل 3 عناصر من قسد", {"fatalities": 3}),
    ("قُتل ١٢ شخصاً وأصيب ستة آخرون", {"fatalities": 12, "injuries": 6}),
    ("تجاوز الـ 20 قتيل وأكثر من ٣٠ جريح", {"fatalities": {"min": 21, "qualifier": "more_than"},
                                            "injuries": {"min": 31, "qualifier": "more_than"}}),
    ("at least eight militants were killed", {"fatalities": {"min": 8, "qualifier": "at_least"}}),
    ("five soldiers were killed and three others were injured", {"fatalities": 5, "injuries": 3}),
    ("خسائر بشرية بالعشرات وأصيب العشرات", {"injuries": {"min": 24, "qualifier": "dozens"}}),
    ("killing 2 members of the militia", {"fatalities": 2}),
    ("there were no immediate reports of casualties", {}),
], ids=["digits-ar", "indic-and-words", "more-than", "at-least", "words-en", "dozens", "killing-n", "none"])
def test_casualty_figures(text, expected):
    assert find_casualties(tokenise(text)) == expected


def test_sentences_survive_abbreviations():
    sentences = split_sentences("U.S. forces struck a site. Gen. Kurilla said it was hit.\nسطر ثان.")
    assert [s.text for s in sentences] == ["U.S. forces struck a site.", "Gen. Kurilla said it was hit.",
                                           "سطر ثان."]


def test_html_keeps_only_the_article():
    article = read_article(ARTICLES / "007_sy24_bukamal_unknown_aircraft.html")
    assert "معبر البوكمال" in article.text
    assert "بادية السخنة" not in article.text   # header ticker
    assert "gtag" not in article.text           # scripts
    assert article.published == "2024-06-04"


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"", "empty.txt", "empty"),
    (b"   \n\t ", "blank.txt", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.txt", "binary"),
    ("نص".encode("cp1256"), "legacy.txt", "not UTF-8"),
    (b"x" * 3_000_001, "huge.txt", "over the"),
], ids=["empty", "blank", "binary", "cp1256", "huge"])
def test_bad_inputs_get_clear_messages(content, name, message):
    with pytest.raises(ArticleError, match=message):
        decode_article(content, name)


def test_cli_batch_goes_on_past_bad_files_and_output_validates(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_seed.txt").write_bytes(SEED.read_bytes())
    (folder / "b_page.html").write_bytes((ARTICLES / "007_sy24_bukamal_unknown_aircraft.html").read_bytes())
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_binary.txt").write_bytes(b"\x00\x01\x02")
    (folder / "e_latin1.txt").write_bytes("café".encode("latin-1"))
    out = tmp_path / "drafts.yaml"
    code = main(["extract", str(folder), "--published", "2024-06-04", "--publisher", "Test",
                 "--source-url", "https://example.org/a", "-o", str(out), "--quiet"])
    assert code == 0
    err = capsys.readouterr().err
    assert "c_empty.txt: the file is empty" in err
    assert "d_binary.txt: this is a binary file" in err
    assert "e_latin1.txt: not UTF-8" in err
    assert "2 of 5 articles read" in err
    frame, problems = read_incidents(out, use_cache=False)
    assert problems == []
    assert len(frame) >= 15
    assert set(frame["status"]) == {"draft"}
    assert not list(tmp_path.glob("*.tmp"))


def test_cli_reads_standard_input(monkeypatch, capsys, tmp_path):
    import io
    import sys

    text = "SOHR sources said five soldiers of regime forces were killed yesterday when ISIS cells ambushed " \
           "a military vehicle near Hajin."
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert main(["extract", "-", "--published", "2024-04-22"]) == 0
    drafts = yaml.safe_load(capsys.readouterr().out)
    assert drafts[0]["gazetteer_id"] == "hajin"
    assert drafts[0]["actor1"]["name"] == "ISIS"
    assert drafts[0]["actor2"]["name"] == "Syrian government forces"
    assert drafts[0]["date"] == "2024-04-21"
    assert drafts[0]["fatalities"] == 5


def test_cli_rejects_a_bad_published_date(capsys):
    assert main(["extract", str(SEED), "--published", "24/08/2023"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


# Set-level accuracy, computed by the benchmark's own code (bench/extraction.py).
@pytest.fixture(scope="module")
def bench_result():
    from bench.extraction import run

    return run()


def test_accuracy_targets(bench_result):
    # issue 6: place recall 0.9 and precision 0.85, actor recall 0.85 across the set
    tallies = bench_result.tallies
    assert tallies["place"].recall >= 0.9
    assert tallies["place"].precision >= 0.85
    assert tallies["actors"].recall >= 0.85


# Floors (precision, recall) just under today's figures on the held-out article sets. The first two
# were written after the extractor and first scored place 0.52/0.77 and 0.43/0.60; the general fixes
# they showed lifted them. The third was scored once after every other change and never tuned on.
HELD_OUT_FLOORS = {
    "articles_holdout": {"place": (0.85, 0.9), "actors": (0.78, 0.85), "event_type": (0.85, 0.9),
                         "date": (0.8, 0.85)},
    "articles_holdout2": {"place": (0.6, 0.65), "actors": (0.6, 0.6), "date": (0.45, 0.45)},
    "articles_holdout3": {"place": (0.75, 0.8), "actors": (0.6, 0.5), "date": (0.65, 0.7)},
}


@pytest.mark.parametrize("folder", list(HELD_OUT_FLOORS))
def test_accuracy_on_the_held_out_sets_does_not_regress(folder):
    from bench.extraction import run

    tallies = run(ROOT / "tests" / "data" / folder).tallies
    for field, (precision, recall) in HELD_OUT_FLOORS[folder].items():
        assert tallies[field].precision >= precision and tallies[field].recall >= recall, field


def test_accuracy_does_not_regress(bench_result):
    # Floors just under today's figures for the fields the target test does not cover.
    tallies = bench_result.tallies
    assert tallies["event_type"].recall >= 0.88 and tallies["event_type"].precision >= 0.85
    assert tallies["sub_event_type"].recall >= 0.80 and tallies["sub_event_type"].precision >= 0.78
    assert tallies["date"].recall >= 0.75 and tallies["date"].precision >= 0.72
    assert tallies["fatalities"].recall >= 0.6 and tallies["fatalities"].precision >= 0.7


def test_no_incident_articles_give_no_drafts(bench_result):
    for name in ("003_enabbaladi_bread_prices.txt", "008_deirezzor24_oil_smuggling.txt"):
        assert bench_result.per_article[name]["place"].predicted == 0, name


def test_english_name_with_a_lower_case_article_is_spotted():
    # "ez" is one of textnorm's articles; the gazetteer has no other "X ar-Y"-style English name
    from geo.extraction.places import spot_places
    from geo.gazetteer import gazetteer

    mentions = spot_places(split_sentences("Shelling hit Deir ez-Zor on Monday.")[0], gazetteer())
    assert [mention.candidates for mention in mentions] == [("deir-ez-zor",)]


def test_lower_case_may_is_not_a_month():
    text = "US aircraft struck ISIS positions in Hajin yesterday and 12 may have been killed."
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["gazetteer_id"], d["date"]) for d in drafts] == [("hajin", "2024-03-05")]
    found = find_date(tokenise("ISIS attacked Hajin on 12 May"), dt.date(2024, 6, 1), None)
    assert (found.date.isoformat(), found.how) == ("2024-05-12", "explicit")


def test_area_word_lowers_precision_to_district():
    # resolve(): a place named with an area word ("desert", "بادية") stands for the area around it
    drafts = extract_article("Regime forces shelled ISIS positions in the Hajin desert yesterday.",
                             published="2024-03-06")
    assert [(d["gazetteer_id"], d["geo_precision"]) for d in drafts] == [("hajin", "district")]


@pytest.mark.parametrize("text", [
    "Rep. Chip Roy (R-Tex.) said the strikes were legal.",
    "Sen. Rand Paul (R-Ky.) said the strikes were legal.",
    "Sen. Bernie Sanders (I-Vt.) said the strikes were not legal.",
    "وفي بلدة الطيانة، قُتل الصيدلاني (ع. س) برصاص مسلحين مجهولين أمس.",
], ids=["r-tex", "r-ky", "i-vt", "arabic-initials"])
def test_party_state_abbreviation_ends_no_sentence(text):
    assert [s.text for s in split_sentences(text)] == [text]


def test_shared_cue_builders_keep_labels():
    # actors, numbers and dates build their labelled cue sets with cues.labelled_set / phrase_set
    from geo.extraction.actors import spot_actors

    assert find_casualties(tokenise("مقتل عنصرين من قسد")) == {"fatalities": 2}
    assert find_casualties(tokenise("nearly 30 people were killed")) == {"fatalities": {"min": 30,
                                                                                        "qualifier": "about"}}
    assert [m.name for m in spot_actors(tokenise("a Russian drone hit the base"))] == ["Russia"]
    found = find_date(tokenise("the following day"), dt.date(2024, 3, 6),
                      find_date(tokenise("on Monday"), dt.date(2024, 3, 6), None))
    assert (found.date.isoformat(), found.how) == ("2024-03-05", "next_day")


@pytest.mark.parametrize("text", [
    "استهدفت طائرة مسيرة سيارة عسكرية على الطريق الواصل بين الميادين والعشارة أمس.",
    "A drone struck a military car on the road between Mayadin and Asharah yesterday.",
], ids=["ar-single-word-places", "en"])
def test_a_road_between_two_places_is_one_incident_half_way(text):
    drafts = extract_article(text, published="2024-03-06")
    assert len(drafts) == 1, drafts
    mayadin, asharah = (35.019, 40.452), (34.921, 40.562)
    middle = ((mayadin[0] + asharah[0]) / 2, (mayadin[1] + asharah[1]) / 2)
    assert distance_km(drafts[0]["lat"], drafts[0]["lon"], *middle) < 2
    assert drafts[0]["geo_precision"] == "district"  # the two towns are 15 km apart


# Places read with their context: (id, text, the gazetteer ids of the drafts).
CONTEXT_CASES = [
    ("dead-taken-to-hospital", "قُتل ثلاثة عناصر بقصف على الميادين أمس، ونُقلت جثث القتلى إلى المشفى العسكري في مدينة "
     "دير الزور.", ["mayadin"]),
    ("wounded-evacuated", "Shelling hit Mayadin yesterday; the wounded were evacuated to a hospital in Deir ez-Zor.",
     ["mayadin"]),
    ("a-real-move", "نقلت الميليشيات تعزيزات من الميادين إلى البوكمال أمس.", ["mayadin", "bukamal"]),
    ("goods-moved-ar", "تضاعفت أجرة نقل الصهريج الواحد عبر النهر خلال شهرين حتى سوق الهال في البوكمال.", []),
    ("goods-moved-en", "The transfer of fuel tankers across the river to Mayadin has doubled in price.", []),
    ("northern-entrance-of", "هاجمت خلايا داعش حاجزاً لقسد عند المدخل الشمالي لمدينة البصيرة أمس.", ["busayrah"]),
    ("east-of", "قصفت قوات النظام مواقع قسد في بلدة الطيانة شرق البصيرة أمس.", ["tayyana"]),
    ("south-east-of-al", "Military Security arrested 12 young men on Friday at a checkpoint at the entrance of the "
     "town of al-Asharah, south-east of al-Mayadin.", ["asharah"]),
    ("claimed-is-no-place", "هاجمت خلايا داعش حاجزاً لقسد في البصيرة أمس، وتبنّى التنظيم الهجوم عبر وكالة أعماق.",
     ["busayrah"]),
    ("the-town-itself", "قصفت قوات النظام بلدة التبني أمس.", ["tabni"]),
    ("comes-in-response", "وتأتي الغارات رداً على الهجمات التي استهدفت القواعد الأمريكية في حقلي العمر وكونيكو خلال "
     "الأسابيع الماضية.", []),
    ("recent-weeks", "Drones have struck the Conoco base in recent weeks, officials said.", []),
    ("came-a-week-after", "The strike came a week after an unidentified drone hit a truck near the al-Hiri crossing.",
     []),
    ("since-the-year", "ويتخذ لواء الباقر من مبنى المركز الثقافي في حي الجورة مقراً رئيسياً له منذ عام 2018.", []),
    ("an-earlier-year", "وكان الضحية قد نجا من محاولة اغتيال سابقة في بلدة أبو حمام خلال صيف عام 2022.", []),
    ("an-earlier-year-en", "He survived an assassination attempt in Hajin in 2022.", []),
    ("calls-for", "وتطالب المنظمة بالتحقيق في حوادث الاغتيال في هجين والسوسة.", []),
    ("a-year-with-a-date", "قصفت قوات النظام بلدة البوليل أمس، وهي خاضعة لسيطرة قسد منذ عام 2017.", ["bulayl"]),
    ("an-age-is-no-place", "قُتل طفل يبلغ من العمر أربعة عشر عاماً بانفجار لغم في بادية غرانيج صباح اليوم.",
     ["gharanij"]),
    ("drove-through", "A drone struck their car as it drove through Mahkan before dawn on Friday.", ["mahkan"]),
    ("activists-in", "Fatemiyoun fighters moved into a compound in Al Ishara yesterday, according to activists in "
     "Deir Ez-Zor.", ["asharah"]),
    ("opposite", "The Fourth Division moved 200 soldiers into Hatla, a village opposite Deir Ez-Zor city, on "
     "Wednesday.", ["hatla"]),
    ("dismantled-feminine", "فككت قوى الأمن الداخلي عبوة ناسفة على الطريق العام في قرية المراشدة يوم أمس.",
     ["marashida"]),
    ("a-verb-between-two-places", "قصفت قوات النظام بلدة البوليل على ضفة نهر الفرات، استهدف منازل في قرية جديد بكارة "
     "أمس.", ["bulayl", "jadid-bakkara"]),
    ("training-grounds", "قصفت طائرات روسية ميادين التدريب التابعة للميليشيات في البادية أمس.", []),
    ("bare-name-after-a-cue", "قصفت قوات النظام بلدة شحيل أمس.", ["shuhayl"]),
    ("kunya-is-a-man", "وقال القيادي أبو عمر الحسن إن قواته قصفت مواقع النظام في بلدة البوليل أمس.", ["bulayl"]),
    ("countryside-of", "The Asayish defused an explosive device yesterday near the water station in al-Busaira, "
     "in the eastern countryside of Deir ez-Zor.", ["busayrah"]),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in CONTEXT_CASES],
                         ids=[case[0] for case in CONTEXT_CASES])
def test_places_are_read_with_their_context(text, expected):
    assert [d["gazetteer_id"] for d in extract_article(text, published="2024-03-06")] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("قتل عنصران من قسد إثر استهدافهم بالرصاص من قبل مسلحين مجهولين في بلدة الشحيل أمس.",
     ("shuhayl", "Battles", "Armed clash", "SDF")),
    ("قامت قوات النظام باعتقالهم في حي الحميدية أمس.",
     ("dz-hamidiyah", "Strategic developments", "Arrests", None)),
], ids=["targeting-them-with-bullets", "arresting-them"])
def test_arabic_triggers_carry_object_pronouns(text, expected):
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["gazetteer_id"], d["event_type"], d["sub_event_type"], (d.get("actor2") or {}).get("name"))
            for d in drafts] == [expected]


# Who acted and who was hit: (id, text, (actor1, actor2) of each draft).
ACTOR_CASES = [
    ("positions-of", "US warplanes struck positions of Iran-backed militias near Mayadin on Wednesday.",
     [("United States", "Iran-backed militias (unspecified)")]),
    ("hideouts-of", "American jets pounded hideouts of ISIS near Hajin on Wednesday.", [("United States", "ISIS")]),
    ("iranian-backed-groups", "US warplanes struck positions of Iranian-backed groups near Mayadin yesterday.",
     [("United States", "Iran-backed militias (unspecified)")]),
    ("militias-of-iran", "شنت طائرات أمريكية غارات على مواقع لميليشيات إيران في البوكمال أمس.",
     [("United States", "Iran-backed militias (unspecified)")]),
    ("schoolteacher", "Two gunmen shot dead a schoolteacher in front of his house in Hajin yesterday.",
     [("Unidentified armed group", "Civilians")]),
    ("two-members-of", "قُتل عنصران من قسد أمس إثر استهدافهم بالرصاص في بلدة الشحيل.",
     [("Unidentified armed group", "SDF")]),
    ("vehicle-of", "انفجرت عبوة ناسفة أمس بسيارة عسكرية تابعة للفرقة الرابعة عند مدخل مدينة الميادين.",
     [("Unidentified armed group", "Syrian government forces")]),
    ("two-farmers", "أصيب مزارعان بجروح صباح اليوم جراء انفجار لغم أرضي في أطراف بلدة الباغوز.",
     [("Unidentified armed group", "Civilians")]),
    ("speaker-of-its-own-act", "The Israeli army said on Saturday that its fighter jets had struck weapons depots west "
     "of Boukamal yesterday.", [("Israel", None)]),
    ("speaker-of-another-act", "Russia said Israeli jets struck weapons depots in Boukamal yesterday.",
     [("Israel", None)]),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in ACTOR_CASES], ids=[case[0] for case in ACTOR_CASES])
def test_actors_take_their_roles(text, expected):
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["actor1"]["name"], (d.get("actor2") or {}).get("name")) for d in drafts] == expected


@pytest.mark.parametrize(("name", "area"), [
    ("Deir Ezzor province", "deir-ez-zor-governorate"),
    ("Dayr az Zawr province", "deir-ez-zor-governorate"),
    ("the Mayadeen district", "mayadin-district"),
], ids=["ezzor", "zawr", "district"])
def test_a_city_spelling_with_an_admin_word_is_the_admin_area(name, area):
    from geo.extraction.places import spot_places
    from geo.gazetteer import gazetteer

    sentence = split_sentences(f"A drone crashed inside a base in {name} on Tuesday.")[0]
    assert [mention.candidates for mention in spot_places(sentence, gazetteer())] == [(area,)]
    # an admin area is context, never an event place of its own
    assert extract_article(f"A drone struck a base in {name} yesterday.", published="2024-03-06") == []


def test_a_weak_trigger_after_another_is_that_events_verb():
    text = "شنت دوريات الأمن العسكري فجر اليوم حملة دهم واعتقال طالت عشرات المنازل في حي الحميدية."
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["gazetteer_id"], d["sub_event_type"]) for d in drafts] == [("dz-hamidiyah", "Arrests")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Israeli jets struck weapons depots belonging to Hezbollah west of Boukamal yesterday.", [("bukamal", "town")]),
    ("قصفت طائرات مسيرة مواقع للميليشيات غرب البوكمال أمس.", [("bukamal", "town")]),
    ("ISIS attacked an SDF checkpoint in Thiban, north of al-Mayadin, yesterday.", [("dhiban", "village")]),
], ids=["en-nothing-else", "ar-nothing-else", "anchor-of-another-place"])
def test_a_place_after_a_compass_word_locates_the_event_when_nothing_else_does(text, expected):
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["gazetteer_id"], d["geo_precision"]) for d in drafts] == expected


@pytest.mark.parametrize("text", ["Troops of the 4th Division moved", "members of the 17th Brigade were killed"],
                         ids=["division", "brigade"])
def test_an_ordinal_before_a_name_is_no_day(text):
    assert find_date(tokenise(text), dt.date(2024, 3, 6), None) is None


@pytest.mark.parametrize("text", [
    "اختطف مسلحون مجهولون مساء أمس معلماً أثناء عودته من مدرسته إلى منزله في بلدة الطيانة.",
    "Unknown gunmen kidnapped a teacher in al-Tayyana yesterday.",
], ids=["ar-to-his-home-in", "en"])
def test_an_abduction_is_violence_against_civilians_where_it_happened(text):
    drafts = extract_article(text, published="2024-03-06")
    assert [(d["gazetteer_id"], d["event_type"], d["sub_event_type"]) for d in drafts] == \
        [("tayyana", "Violence against civilians", "Abduction/forced disappearance")]
