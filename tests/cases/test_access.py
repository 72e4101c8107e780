"""Need to know (decision 11, issue 14): an official reads a case when it waits at or passed
through a position they hold or act for, when it waits at a position below theirs, or when
their role reads every case; the admin reads everything. Every screen, printout, file, note,
search and suggestion follows aspirasi/cases/access.py; a refused read is a 404.

Cases are walked along the SOP (tests/factories.py); positions are the SOP file's."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aspirasi.attachments.services import attach, prepare, staging
from aspirasi.cases.access import (
    may_read,
    positions_below,
    readable,
    readable_cases,
)
from aspirasi.cases.engine import ActionInput, NotPermitted
from aspirasi.cases.models import Aspiration
from aspirasi.cases.walking import walk_case
from aspirasi.notes.models import InternalNote
from aspirasi.notes.services import note_add
from aspirasi.officials.capacity import capacities
from aspirasi.officials.models import Acting, Holding
from aspirasi.search.similar import similar_answered
from aspirasi.sop.registry import current_sop
from tests.factories import act, make_acting, make_case, make_official, sop_revision, walked
from tests.public.helpers import (
    media,  # noqa: F401 (the fixture: a MEDIA_ROOT of its own)
    pdf_with_author,
    upload,
)
from tests.sop_variants import without_reading_every_case

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
SUBJECT = "Gorden ruang dosen sobek"


def wd1s_case(**options) -> Aspiration:
    """A case the Kabag TU routed to Vice Dean I: it waits at WD I's desk."""
    return walked(
        via=["forward"],
        vice_dean="wd1",
        case_options={"subject": SUBJECT, "body": "Gorden ruang dosen sobek sejak Senin."},
        **options,
    )


def with_file(case: Aspiration):
    prepared = prepare([upload("bukti.pdf", pdf_with_author())], privacy=case.privacy)
    with staging() as stage, transaction.atomic():
        return attach(case, prepared, stage=stage)[0]


def addresses(case: Aspiration, attachment) -> dict[str, str]:
    """What an official reads of a case, by URL: its page, printed form and file."""
    return {
        "page": reverse("desk:case", args=[case.tracking_code]),
        "form": reverse("printing:case_form_pdf", args=[case.tracking_code]),
        "file": reverse("attachments:official", args=[attachment.public_id]),
    }


def found_by_search(client, case) -> bool:
    page = client.get(SEARCH, {"q": "gorden"})
    assert page.status_code == 200
    return case in list(page.context["page"])


def quality_officer():
    return make_official("mutu", "penjaminan_mutu")


# ---------------------------------------------------------------------------------------------
# The vice deans: each their own cases


@pytest.mark.usefixtures("media")
def test_a_vice_dean_cannot_read_another_vice_deans_case(client, officials):
    case = wd1s_case()
    attachment = with_file(case)
    note_add(case=case, author=officials["wd1"], text="Sudah dicek ke prodi.")
    urls = addresses(case, attachment)

    for intruder in ("wd2", "wd3"):
        client.force_login(officials[intruder])
        for what, url in urls.items():
            response = client.get(url)
            assert response.status_code == 404, (intruder, what)
            assert SUBJECT.encode() not in response.content, (intruder, what)
            assert "Content-Disposition" not in response, (intruder, what)
        acting = reverse("desk:act", args=[case.tracking_code, "acknowledge"])
        assert client.post(acting, {"acknowledge-version": case.version}).status_code == 404
        note = reverse("notes:add", args=[case.tracking_code])
        assert client.post(note, {"text": "Saya ikut membaca."}).status_code == 404
        assert not found_by_search(client, case)
    assert InternalNote.objects.count() == 1
    assert Aspiration.objects.get(pk=case.pk).version == case.version


@pytest.mark.usefixtures("media")
def test_the_dean_the_kabag_tu_and_the_quality_officer_read_every_case(client, officials):
    case = wd1s_case()
    attachment = with_file(case)
    urls = addresses(case, attachment)

    for reader in (officials["dean"], officials["kabag"], quality_officer()):
        client.force_login(reader)
        for what, url in urls.items():
            assert client.get(url).status_code == 200, (reader.username, what)
        assert found_by_search(client, case), reader.username


@pytest.mark.usefixtures("media")
def test_the_vice_dean_holding_the_case_and_the_officials_who_passed_it_on_read_it(
    client, officials
):
    case = wd1s_case()
    attachment = with_file(case)

    for name in ("wd1", "clerk"):  # holds it now; received it at the start and passed it on
        client.force_login(officials[name])
        for what, url in addresses(case, attachment).items():
            assert client.get(url).status_code == 200, (name, what)
        assert found_by_search(client, case), name


def test_a_vice_dean_does_not_read_a_case_that_never_reached_them(client, officials):
    new, _ = make_case()
    answered_by_the_clerk = walked(path="A")

    for case in (new, answered_by_the_clerk):
        for name in ("wd1", "wd2", "wd3"):
            client.force_login(officials[name])
            assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 404
            assert not may_read(officials[name], case)


def test_a_vice_dean_who_sent_a_case_back_still_reads_it(client, officials):
    case = walk_case(wd1s_case(), via=["send_back"], texts={"reason": "Bukan bidang WD I."})
    assert case.current_position != "wd1"

    client.force_login(officials["wd1"])  # passed through WD I's desk
    assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 200
    client.force_login(officials["wd2"])
    assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 404


def test_a_new_holder_of_a_position_reads_what_passed_through_it(client, officials):
    case = walked(path="A")
    successor = make_official("kasubbag_baru", "kasubbag", since=timezone.localdate())

    client.force_login(successor)
    assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 200


def test_similar_answered_cases_are_only_those_the_reader_may_read(officials):
    text = {"subject": "Proyektor ruang C3 mati", "body": "Proyektor ruang C3 mati total."}
    answered = {
        vice_dean: walked(path="B", vice_dean=vice_dean, case_options=dict(text))
        for vice_dean in ("wd1", "wd2")
    }
    assert all(case.is_closed and case.answered_at for case in answered.values())
    asking, _ = make_case(**text)

    def suggested(reader) -> set[str]:
        return {s.case.tracking_code for s in similar_answered(asking, reader)}

    assert suggested(officials["wd2"]) == {answered["wd2"].tracking_code}
    assert suggested(officials["wd1"]) == {answered["wd1"].tracking_code}
    assert suggested(officials["dean"]) == {c.tracking_code for c in answered.values()}
    assert suggested(officials["wd3"]) == set()


def test_a_note_is_refused_on_a_case_the_author_may_not_read(officials):
    case = wd1s_case()

    with pytest.raises(NotPermitted):
        note_add(case=case, author=officials["wd2"], text="Catatan.")
    assert not InternalNote.objects.exists()


# ---------------------------------------------------------------------------------------------
# Acting officials (Plh) and the admin


def test_an_acting_official_reads_what_the_position_reads_during_the_acting_period_only(
    client, officials
):
    waiting = wd1s_case()
    closed_by_wd1 = walked(path="B", vice_dean="wd1")
    plh = officials["wd3"]  # WD III acts for WD I this week
    today = timezone.localdate()
    acting = make_acting(plh, "wd1", today - dt.timedelta(days=1), today + dt.timedelta(days=2))

    client.force_login(plh)
    for case in (waiting, closed_by_wd1):
        assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 200
        assert not may_read(plh, case, today + dt.timedelta(days=3))
        assert not may_read(plh, case, today - dt.timedelta(days=2))

    Acting.objects.filter(pk=acting.pk).update(ends_on=today - dt.timedelta(days=1))
    for case in (waiting, closed_by_wd1):
        assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 404


def test_the_admin_reads_every_case(client, officials):
    case = walked(path="A")
    admin = get_user_model().objects.create_superuser("admin", password="rahasia-demo-123")

    client.force_login(admin)
    assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 200
    assert may_read(admin, case)


# ---------------------------------------------------------------------------------------------
# The superior lines (decision 16): with roles that do not read every case


def test_a_superior_reads_a_case_while_it_waits_below_them(client, officials):
    sop_revision(without_reading_every_case("head_of_administration", "dean"))
    kabag, dean = officials["kabag"], officials["dean"]
    at_the_clerk, _ = make_case()  # below the Kabag TU, and two lines below the Dean
    answered_by_the_clerk = walked(path="A")  # never reached them, no longer waits below
    at_wd1 = wd1s_case()  # passed through the Kabag TU; waits below the Dean

    assert may_read(kabag, at_the_clerk) and may_read(dean, at_the_clerk)
    assert may_read(kabag, at_wd1) and may_read(dean, at_wd1)
    assert not may_read(kabag, answered_by_the_clerk)
    assert not may_read(dean, answered_by_the_clerk)
    client.force_login(dean)
    assert client.get(reverse("desk:case", args=[at_the_clerk.tracking_code])).status_code == 200
    page = reverse("desk:case", args=[answered_by_the_clerk.tracking_code])
    assert client.get(page).status_code == 404
    # The quality officer's role still reads every case.
    assert may_read(quality_officer(), answered_by_the_clerk)


def test_the_superior_lines_are_followed_up_and_a_circle_of_them_ends():
    def sop(**superiors):
        return SimpleNamespace(
            positions={code: SimpleNamespace(superior=up) for code, up in superiors.items()}
        )

    lines = sop(clerk="head", head="dean", dean=None, vice="dean", other=None)
    assert positions_below({"dean"}, lines) == {"clerk", "head", "vice"}
    assert positions_below({"head"}, lines) == {"clerk"}
    assert positions_below({"clerk", "other"}, lines) == set()
    circle = sop(a="b", b="c", c="a", d="a")
    assert positions_below({"a"}, circle) == {"b", "c", "d"}
    assert positions_below(set(), circle) == set()


# ---------------------------------------------------------------------------------------------
# One rule, one query


def test_the_list_condition_and_the_single_case_answer_agree(officials):
    today = timezone.localdate()
    plh = make_official("plh", "wd3")
    make_acting(plh, "wd1", today, today)
    former = make_official("mantan", "kasubbag", since=dt.date(2015, 1, 1))
    Holding.objects.filter(user=former).update(ends_on=today - dt.timedelta(days=1))
    cases = [
        make_case()[0],
        walked(path="A"),
        wd1s_case(),
        walked(path="B", vice_dean="wd2"),
        walked(via=["escalate"], vice_dean="wd3", texts={"reason": "Perlu Dekan."}),
        walk_case(wd1s_case(), via=["send_back"], texts={"reason": "Bukan WD I."}),
    ]
    readers = [*officials.values(), quality_officer(), plh, former]
    for reader in readers:
        listed = set(readable(reader).values_list("pk", flat=True))
        for case in cases:
            assert may_read(reader, case) == (case.pk in listed), (reader.username, case)
    # Not every answer is the same: the rule tells them apart.
    assert len({frozenset(readable(r).values_list("pk", flat=True)) for r in readers}) >= 5


def test_reading_the_cases_is_one_query(officials, django_assert_num_queries):
    wd1s_case()
    reader = officials["wd1"]
    held = list(capacities(reader))
    current_sop()
    with django_assert_num_queries(1):
        assert len(Aspiration.objects.filter(readable_cases(reader, held=held))) == 1


def test_the_case_page_links_a_duplicates_original_only_for_those_who_read_it(client, officials):
    original = walked(via=["forward"], vice_dean="wd2")
    data = ActionInput(reason="Sama dengan kasus WD II.", duplicate_of=original.tracking_code)
    repeat = act(wd1s_case(), "duplicate", data)  # closed by WD I, who holds it
    assert repeat.duplicate_of == original
    link = f'href="{reverse("desk:case", args=[original.tracking_code])}"'

    client.force_login(officials["wd1"])  # reads the repeat, not WD II's original
    page = client.get(reverse("desk:case", args=[repeat.tracking_code])).content.decode()
    assert original.tracking_code in page and link not in page
    client.force_login(officials["dean"])
    page = client.get(reverse("desk:case", args=[repeat.tracking_code])).content.decode()
    assert link in page
