"""Finding cases: Indonesian word forms, every filter combined, the inbox and the search page,
and the same answer on SQLite as on PostgreSQL (the analyser decides, the database only looks up).
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from aspirasi.cases.choices import Channel, Privacy
from aspirasi.cases.models import Aspiration, Category
from aspirasi.cases.selectors import inbox_for
from aspirasi.cases.walking import walk_case
from aspirasi.search.indexing import reindex_case
from aspirasi.search.models import SearchDocument, SearchTerm
from aspirasi.search.query import CaseFilter, next_prefix, parse_query, search_cases
from aspirasi.search.text import terms
from aspirasi.sop.registry import current_sop
from tests.factories import TUESDAY_9, WITA, make_case, step_with

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
INBOX = reverse("desk:inbox")


def codes(cases) -> set[str]:
    return {c.tracking_code for c in cases}


def found(text: str, viewer, **filters) -> set[str]:
    return codes(search_cases(CaseFilter(text=text, **filters), viewer))


def indonesian(msgid: str) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text


# ---------------------------------------------------------------------------------------------
# The analyser


def test_word_forms_of_perbaikan_share_one_stem():
    assert terms("perbaikan diperbaiki memperbaiki perbaikannya") == ["baik"] * 4


def test_chat_spellings_and_room_codes_meet_their_standard_forms():
    assert terms("AC gak nyala, tolong dibenerin") == terms("AC tidak menyala, mohon diperbaiki")
    assert terms("ruang A2.05") == terms("ruang A 2.05") == ["ruang", "a205"]
    assert terms("kerusakan lift") == ["rusak", "lift"]  # not "rusa", the deer


def test_the_prefix_range_is_the_next_string_in_term_order():
    assert next_prefix("baik") == "bail"
    assert next_prefix("baz") == "bb"
    assert next_prefix("a9") == "aa"
    assert next_prefix("zz") == ""


# ---------------------------------------------------------------------------------------------
# Searching


def test_searching_perbaikan_finds_diperbaiki_and_memperbaiki(officials):
    fixed, _ = make_case(subject="Proyektor", body="Proyektor ruang B1 sudah diperbaiki?")
    fixing, _ = make_case(subject="Kursi", body="Mohon memperbaiki kursi di ruang baca.")
    other, _ = make_case(subject="Jadwal", body="Kapan jadwal ujian susulan?")

    assert found("perbaikan", officials["kabag"]) == codes([fixed, fixing])
    assert found("diperbaiki", officials["kabag"]) == codes([fixed, fixing])
    assert found("memperbaiki kursi", officials["kabag"]) == codes([fixing])
    assert other.tracking_code not in found("perbaikan", officials["kabag"])


def test_every_word_must_match(officials):
    lift, _ = make_case(subject="Lift rusak", body="Lift gedung dekanat rusak sejak Senin.")
    ac, _ = make_case(subject="AC rusak", body="AC ruang A2.05 rusak.")

    assert found("rusak", officials["kabag"]) == codes([lift, ac])
    assert found("lift rusak", officials["kabag"]) == codes([lift])
    assert found("lift proyektor", officials["kabag"]) == set()


def test_the_last_word_may_be_a_beginning(officials):
    thesis, _ = make_case(subject="Skripsi", body="Pembimbing skripsi saya sulit ditemui.")

    assert found("skrip", officials["kabag"]) == codes([thesis])
    assert found("pembimbi", officials["kabag"]) == codes([thesis])
    # Only the last word: an earlier fragment must be a whole word.
    assert found("skrip pembimbing", officials["kabag"]) == set()
    assert parse_query("skrip", prefix_last=False)[0].prefixes == ()


def test_only_stop_words_match_nothing_and_say_so(client, officials):
    make_case(body="Yang ini tidak ada di sana.")
    client.force_login(officials["kabag"])

    assert found("yang tidak", officials["kabag"]) == set()
    page = client.get(SEARCH, {"q": "yang tidak"})
    assert page.status_code == 200
    assert 'id="too-common"' in page.content.decode()


def test_supporting_information_and_responses_are_searched(officials):
    case, _ = make_case(subject="Nilai belum keluar", body="Nilai mata kuliah belum muncul.")
    walk_case(
        case,
        via=["defer", "prepare_supporting_info"],
        texts={"supporting_info": "Dosen pengampu sedang dinas ke Jakarta."},
    )
    answered, _ = make_case(subject="Legalisir", body="Di mana legalisir ijazah?")
    walk_case(answered, path="A", texts={"response": "Di loket akademik."})

    assert found("dinas jakarta", officials["kabag"]) == codes([case])
    assert found("loket", officials["kabag"]) == codes([answered])
    assert SearchDocument.objects.get(pk=answered.pk).answered
    assert not SearchDocument.objects.get(pk=case.pk).answered


def test_a_draft_response_is_searchable_by_officials(officials):
    """Officials read the cases they may read with their supporting information and drafts; the
    index is read only by officials' screens."""
    case, _ = make_case(subject="Cuti akademik", body="Bagaimana mengajukan cuti?")
    case = walk_case(
        case,
        via=["draft_response"],
        vice_dean="wd1",
        texts={
            "supporting_info": "Aturan cuti terlampir.",
            "response": "Permohonan diajukan lewat formulir daring.",
        },
    )
    assert not case.is_closed and case.answered_at is None  # a draft, not yet sent
    assert found("formulir daring", officials["dean"]) == codes([case])


# ---------------------------------------------------------------------------------------------
# Filters


def test_filters_combine_with_each_other_and_with_words(officials):
    kabag = officials["kabag"]  # reads every case
    monday = dt.datetime(2026, 11, 2, 10, 0, tzinfo=WITA)
    target, _ = make_case(
        subject="AC mati",
        body="AC ruang kuliah mati.",
        category_code="umum_fasilitas",
        channel=Channel.WEBSITE,
        customer_type="dosen",
        now=monday,
    )
    other_type, _ = make_case(
        subject="AC mati", body="AC mati.", category_code="umum_fasilitas", now=monday
    )
    other_category, _ = make_case(subject="AC mati", body="AC mati.", customer_type="dosen")
    other_channel, _ = make_case(
        subject="AC mati",
        body="AC mati.",
        category_code="umum_fasilitas",
        customer_type="dosen",
        channel=Channel.PHONE,
        entered_by=officials["clerk"],
        arrived_at=monday,
        now=TUESDAY_9,
    )
    facilities = Category.objects.get(code="umum_fasilitas")

    everything = found("ac", kabag)
    assert everything >= codes([target, other_type, other_category, other_channel])
    asked = dict(category=facilities, channel=Channel.WEBSITE, customer_type="dosen")
    assert found("ac mati", kabag, **asked) == codes([target])
    assert found("", kabag, **asked) == codes([target])
    assert found("ac", kabag, category=facilities, customer_type="dosen") == codes(
        [target, other_channel]
    )
    # The arrival range is in the faculty's days, both ends included.
    assert found(
        "ac", kabag, arrived_from=dt.date(2026, 11, 2), arrived_to=dt.date(2026, 11, 2)
    ) == (codes([target, other_type, other_channel]))
    assert found("ac", kabag, arrived_from=dt.date(2026, 11, 3)) == codes([other_category])
    # The step: the clerk's entry completes the receipt at once, so that case waits to be
    # answered while the others wait to be received.
    sop = current_sop()
    assert found("ac", kabag, step=sop.step_key(step_with("answer"))) == codes([other_channel])
    assert found("ac", kabag, step=sop.step_key(step_with("receive"))) == codes(
        [target, other_type, other_category]
    )


def test_the_inbox_filters_only_what_waits_for_the_official(officials):
    clerk = officials["clerk"]
    waiting, _ = make_case(subject="Wifi", body="Wifi ruang baca lambat.")
    moved, _ = make_case(subject="Wifi", body="Wifi laboratorium putus.")
    walk_case(moved, via=["receive", "defer"])
    elsewhere, _ = make_case(subject="Beasiswa", body="Kapan beasiswa cair?")

    assert codes(inbox_for(clerk, filters=CaseFilter(text="wifi"))) == codes([waiting, moved])
    to_receive = CaseFilter(text="wifi", step=current_sop().step_key(step_with("receive")))
    assert codes(inbox_for(clerk, filters=to_receive)) == codes([waiting])
    assert elsewhere.tracking_code not in codes(inbox_for(clerk, filters=CaseFilter(text="wifi")))
    # The Kabag holds none of them.
    assert codes(inbox_for(officials["kabag"], filters=CaseFilter(text="wifi"))) == set()


def test_a_confidential_customers_type_is_not_revealed_by_the_filter(officials):
    """Decision 11: who sent a confidential case is shown only to those who handle it; a
    customer-type filter would otherwise tell an outsider-official that a lecturer wrote it."""
    secret_case, _ = make_case(
        subject="Pelecehan",
        body="Laporan pelecehan.",
        privacy=Privacy.CONFIDENTIAL,
        customer_type="dosen",
    )
    open_case, _ = make_case(subject="Pelecehan", body="Laporan pelecehan.", customer_type="dosen")

    # The Dean reads every case but never handled this one.
    assert found("pelecehan", officials["dean"], customer_type="dosen") == codes([open_case])
    # The clerk holds it now, so may see who sent it.
    assert found("pelecehan", officials["clerk"], customer_type="dosen") == codes(
        [secret_case, open_case]
    )
    # Without the type filter the case is found by all who read it: its words are not its sender.
    assert found("pelecehan", officials["dean"]) == codes([secret_case, open_case])


# ---------------------------------------------------------------------------------------------
# The same answer on both databases


CORPUS = [
    "Perbaikan AC ruang A2.05 belum dilakukan",
    "AC di ruang A 2.05 gak nyala, tolong dibenerin",
    "Lift gedung dekanat mengalami kerusakan",
    "Pembimbing skripsi sulit ditemui, bimbingan tertunda",
    "Jadwal sidang tugas akhir diundur terus",
    "Pembayaran UKT Rp7.500.000 belum terverifikasi",
    "Wi-fi ruang baca lambat sekali",
    "Memperbaiki kursi-kursi yang rusak di laboratorium",
    "Beasiswa KIP kuliah belum cair",
    "Café di kantin menjual makanan basi",
]
QUERIES = [
    "perbaikan",
    "diperbaiki",
    "rusak",
    "ac",
    "a2.05",
    "ruang",
    "skrip",
    "bimbing",
    "sidang",
    "ukt 7500000",
    "wifi",
    "wi-fi baca",
    "kursi",
    "kuliah",
    "cafe",
    "kantin maka",
    "tidak",
    "lab",
    "ruang baca",
    "b",
]


def reference_search(texts: dict[str, str], query: str) -> set[str]:
    """The answer the analyser defines, computed in Python without the database."""
    matches = parse_query(query)
    if not matches:
        return set()
    result = set()
    for code, text in texts.items():
        held = set(terms(text))
        if all(
            m.exact in held or any(t.startswith(p) for p in m.prefixes for t in held)
            for m in matches
        ):
            result.add(code)
    return result


def test_the_database_answers_exactly_what_the_analyser_defines(officials):
    """Run on SQLite and on PostgreSQL: both must give this one reference answer."""
    texts = {}
    for text in CORPUS:
        case, _ = make_case(subject=text[:30], body=text)
        texts[case.tracking_code] = f"{case.subject}\n{text}"
    some_hits = 0
    for query in QUERIES:
        expected = reference_search(texts, query)
        some_hits += bool(expected)
        assert found(query, officials["kabag"]) == expected, query
    assert some_hits >= 15  # the queries exercise real matches, not only empty answers


# ---------------------------------------------------------------------------------------------
# Keeping the index


def test_the_rebuild_command_restores_what_the_write_paths_built(officials):
    first, _ = make_case(body="Sertifikat lomba belum dibagikan.")
    walk_case(first, path="A", texts={"response": "Sertifikat diambil di BEM."})
    make_case(body="Parkiran motor penuh setiap pagi.")
    before = sorted(
        SearchTerm.objects.values_list("aspiration_id", "term", "in_request", "in_handling")
    )
    documents = sorted(SearchDocument.objects.values_list("pk", "answered", "request_norm"))
    SearchTerm.objects.all().delete()
    SearchDocument.objects.all().delete()

    call_command("rebuild_search_index", verbosity=0)

    after = sorted(
        SearchTerm.objects.values_list("aspiration_id", "term", "in_request", "in_handling")
    )
    assert after == before
    assert sorted(SearchDocument.objects.values_list("pk", "answered", "request_norm")) == (
        documents
    )


def test_reindexing_writes_only_what_changed(officials, django_assert_max_num_queries):
    case, _ = make_case(body="Kantin kotor.")
    with django_assert_max_num_queries(5):
        reindex_case(case)  # most moves change no text: five reads, no write
    assert SearchTerm.objects.filter(aspiration=case, term="kantin").exists()
    Aspiration.objects.filter(pk=case.pk).update(body="Toilet kotor.")
    reindex_case(case)
    assert not SearchTerm.objects.filter(aspiration=case, term="kantin").exists()
    assert SearchTerm.objects.filter(aspiration=case, term="toilet").exists()


# ---------------------------------------------------------------------------------------------
# Through HTTP


def test_the_inbox_filters_by_its_form_and_keeps_the_filters_across_pages(client, officials):
    for n in range(51):
        make_case(subject=f"Parkir {n}", body="Parkiran penuh.")
    make_case(subject="Toilet", body="Toilet kotor.")
    client.force_login(officials["clerk"])

    page = client.get(INBOX, {"q": "parkir"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Toilet" not in html and "Parkir 0" in html
    assert "?q=parkir&amp;page=2" in html
    second = client.get(INBOX, {"q": "parkir", "page": 2})
    assert second.content.decode().count("Parkir ") == 1


def test_a_wrong_date_range_is_refused_in_indonesian_and_the_words_stay(client, officials):
    make_case(subject="Parkir", body="Parkiran penuh.")
    client.force_login(officials["clerk"])

    page = client.get(
        INBOX, {"q": "parkir", "arrived_from": "2026-11-05", "arrived_to": "2026-11-01"}
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert indonesian("The end of the range is before its start.") in html
    assert 'value="parkir"' in html


def test_the_search_page_finds_the_cases_the_official_may_read_for_officials_only(
    client, officials
):
    closed, _ = make_case(subject="Laboratorium", body="Alat laboratorium rusak.")
    walk_case(closed, path="A", texts={"response": "Sudah diganti."})
    waiting, _ = make_case(subject="Laboratorium", body="Jadwal laboratorium bentrok.")

    client.force_login(officials["outsider"])
    assert client.get(SEARCH, {"q": "laboratorium"}).status_code == 403

    client.force_login(officials["wd3"])  # neither case reached WD III
    page = client.get(SEARCH, {"q": "laboratorium"})
    assert page.status_code == 200 and list(page.context["page"]) == []
    html = page.content.decode()
    assert closed.tracking_code not in html and waiting.tracking_code not in html

    client.force_login(officials["kabag"])  # holds neither case, reads every case
    html = client.get(SEARCH, {"q": "laboratorium"}).content.decode()
    assert closed.tracking_code in html and waiting.tracking_code in html
    html = client.get(SEARCH, {"q": "laboratorium", "status": "closed"}).content.decode()
    assert closed.tracking_code in html and waiting.tracking_code not in html
    # Nothing asked: the form only, not a list of every case.
    page = client.get(SEARCH)
    assert page.status_code == 200 and 'id="results"' not in page.content.decode()
