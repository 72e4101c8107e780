"""The public board (issue 4, point 6): answered cases whose customer consented, as the clerk
summarised them for the public; never the raw text, a contact or an attachment."""

import pytest
from django.urls import reverse

from aspirasi.board.models import BoardEntry
from aspirasi.board.services import board_entry_write
from aspirasi.cases.engine import NotPermitted
from aspirasi.cases.walking import walk_case
from tests.factories import make_case

pytestmark = pytest.mark.django_db

RAW_BODY = "Saya Andi Wijaya NIM 2009076111, AC di ruang D-105 mati sejak seminggu."
RAW_ANSWER = "Saudara Andi Wijaya, AC ruang D-105 sudah diperbaiki teknisi."
SUMMARY = "AC di sebuah ruang kuliah gedung D mati."
PUBLIC_ANSWER = "AC sudah diperbaiki oleh teknisi fakultas."


def answered(officials, *, consent=True, **overrides):
    data = {
        "body": RAW_BODY,
        "public_consent": consent,
        "category_code": "umum_fasilitas",
        "customer_name": "Andi Wijaya",
        "customer_email": "andi@example.ac.id",
    }
    data.update(overrides)
    case, _secret = make_case(**data)
    return walk_case(case, path="A", texts={"response": RAW_ANSWER})


def test_the_clerk_writes_an_entry_from_the_case_page_and_the_public_reads_only_that(
    client, officials
):
    case = answered(officials)
    client.force_login(officials["clerk"])
    desk = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert 'id="board-panel"' in desk
    assert reverse("board:edit", args=[case.tracking_code]) in desk

    response = client.post(
        reverse("board:edit", args=[case.tracking_code]),
        {"board-summary": SUMMARY, "board-public_answer": PUBLIC_ANSWER, "board-published": "on"},
    )

    assert response.status_code == 302
    client.logout()
    page = client.get(reverse("board:board")).content.decode()
    assert SUMMARY in page and PUBLIC_ANSWER in page
    for private in (RAW_BODY, RAW_ANSWER, "Andi", "2009076111", "andi@example.ac.id"):
        assert private not in page
    assert case.tracking_code not in page
    assert "/lampiran/" not in page


def test_no_entry_without_consent_or_before_the_answer(client, officials):
    refused = answered(officials, consent=False)
    unanswered, _ = make_case(public_consent=True)

    for case in (refused, unanswered):
        with pytest.raises(NotPermitted):
            board_entry_write(
                case=case, user=officials["clerk"], summary=SUMMARY, public_answer=PUBLIC_ANSWER
            )
    client.force_login(officials["clerk"])
    assert client.get(reverse("board:edit", args=[refused.tracking_code])).status_code == 403
    desk = client.get(reverse("desk:case", args=[refused.tracking_code])).content.decode()
    assert 'id="board-panel"' not in desk


def test_only_the_clerk_writes_the_board(client, officials):
    case = answered(officials)

    with pytest.raises(NotPermitted):
        board_entry_write(
            case=case, user=officials["wd2"], summary=SUMMARY, public_answer=PUBLIC_ANSWER
        )
    client.force_login(officials["dean"])  # reads the case, is not its clerk
    assert client.get(reverse("board:edit", args=[case.tracking_code])).status_code == 403
    desk = client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    assert case.tracking_code in desk
    assert reverse("board:edit", args=[case.tracking_code]) not in desk


def test_an_empty_summary_is_refused_and_the_answer_typed_is_kept(client, officials):
    case = answered(officials)
    client.force_login(officials["clerk"])

    response = client.post(
        reverse("board:edit", args=[case.tracking_code]),
        {"board-summary": "  ", "board-public_answer": PUBLIC_ANSWER},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["summary"]
    assert PUBLIC_ANSWER in response.content.decode()
    assert not BoardEntry.objects.exists()


def test_the_clerk_can_correct_or_withdraw_an_entry(client, officials):
    case = answered(officials)
    board_entry_write(case=case, user=officials["clerk"], summary=SUMMARY, public_answer="Lama.")

    board_entry_write(
        case=case, user=officials["clerk"], summary=SUMMARY, public_answer=PUBLIC_ANSWER
    )
    assert PUBLIC_ANSWER in client.get(reverse("board:board")).content.decode()

    board_entry_write(
        case=case,
        user=officials["clerk"],
        summary=SUMMARY,
        public_answer=PUBLIC_ANSWER,
        published=False,
    )
    assert BoardEntry.objects.count() == 1
    assert SUMMARY not in client.get(reverse("board:board")).content.decode()


def test_the_board_is_searchable_by_word_and_category_with_counts(client, officials):
    ac = answered(officials)
    parking = answered(officials, category_code="kemahasiswaan", body="Parkir motor penuh.")
    board_entry_write(case=ac, user=officials["clerk"], summary=SUMMARY, public_answer="Beres.")
    board_entry_write(
        case=parking,
        user=officials["clerk"],
        summary="Parkir motor mahasiswa selalu penuh.",
        public_answer="Lahan parkir baru dibuka semester depan.",
    )

    by_word = client.get(reverse("board:board"), {"q": "parkir"})
    by_two_words = client.get(reverse("board:board"), {"q": "AC gedung"})
    by_category = client.get(reverse("board:board"), {"kategori": "umum_fasilitas"})
    nothing = client.get(reverse("board:board"), {"q": "perpustakaan"})

    assert [e.aspiration_id for e in by_word.context["page"].object_list] == [parking.pk]
    assert [e.aspiration_id for e in by_two_words.context["page"].object_list] == [ac.pk]
    assert [e.aspiration_id for e in by_category.context["page"].object_list] == [ac.pk]
    assert list(nothing.context["page"].object_list) == []
    counts = by_word.context["counts"]
    assert counts["on_board"] == 2
    assert dict((c.code, n) for c, n in counts["per_category"])["kemahasiswaan"] == 1
    assert 'id="board-counts"' in by_word.content.decode()
