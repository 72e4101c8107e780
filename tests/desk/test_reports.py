"""The report to the Dean and its receipt, through HTTP: a vice dean reports the cases they
answered in one report, the Dean acknowledges it and every case in it closes on path B
(decision 5). Cases are walked along the SOP (tests/factories.py); steps are found by the actions
they offer."""

import datetime as dt

import pytest
from django.urls import reverse

from aspirasi.cases.choices import Status
from aspirasi.cases.engine import report_to_dean
from aspirasi.cases.models import Aspiration, Report, StepRecord
from tests.factories import (
    TUESDAY_9,
    assert_trail_unbroken_to_the_close,
    make_official,
    step_with,
    walk_case,
    walked,
)

pytestmark = pytest.mark.django_db

REPORT_NEW = reverse("desk:report_new")


def answered_case(vice_dean="wd1", category_code="akademik"):
    """A case its vice dean has answered (path B): it waits to be reported to the Dean."""
    return walked(
        until="report",
        vice_dean=vice_dean,
        case_options={"category_code": category_code},
        texts={"supporting_info": "Jadwal dari prodi.", "response": "Ujian susulan tanggal 10."},
        start=TUESDAY_9 - dt.timedelta(days=7),
    )


def reporting_step() -> int:
    return step_with("report")


def receiving_step() -> int:
    return step_with("receive_report")


def state(case) -> tuple:
    fresh = Aspiration.objects.get(pk=case.pk)
    return fresh.version, fresh.current_step, fresh.current_position, fresh.report_id


def test_vice_dean_reports_two_answered_cases_in_one_report_and_the_dean_closes_both(
    client, officials
):
    o = officials
    first, second = answered_case(), answered_case()
    assert first.current_step == second.current_step == reporting_step()

    client.force_login(o["wd1"])
    inbox = client.get(reverse("desk:inbox")).content.decode()
    assert REPORT_NEW in inbox
    page = client.get(REPORT_NEW)
    assert page.status_code == 200
    assert set(page.context["candidates"]) == {first, second}

    response = client.post(
        REPORT_NEW,
        {"cases": [first.tracking_code, second.tracking_code], "summary": "Dua aspirasi akademik."},
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:report_detail", args=[report.public_id])
    assert (report.position, report.author, report.summary) == (
        "wd1",
        o["wd1"],
        "Dua aspirasi akademik.",
    )
    for case in (first, second):
        case.refresh_from_db()
        assert (case.current_step, case.current_position, case.report) == (
            receiving_step(),
            "dekan",
            report,
        )
        assert case.trail.last().step == reporting_step()
    # Only the Dean may acknowledge it; the vice dean sees the report without the button.
    page = client.get(reverse("desk:report_detail", args=[report.public_id]))
    assert page.context["may_receive"] is False
    assert client.post(reverse("desk:report_detail", args=[report.public_id])).status_code == 403

    client.force_login(o["dean"])
    page = client.get(reverse("desk:report_detail", args=[report.public_id]))
    assert page.context["may_receive"] is True
    assert set(page.context["cases"]) == {first, second}

    response = client.post(reverse("desk:report_detail", args=[report.public_id]), follow=True)

    assert response.redirect_chain == [
        (reverse("desk:report_detail", args=[report.public_id]), 302)
    ]
    report.refresh_from_db()
    assert report.received_by == o["dean"] and report.received_at is not None
    for case in (first, second):
        case.refresh_from_db()
        assert case.status == Status.CLOSED and case.closure == "B"
        assert_trail_unbroken_to_the_close(case)
        assert [r.step for r in case.trail.order_by("seq")][-2:] == [
            reporting_step(),
            receiving_step(),
        ]
        record = case.trail.last()
        assert (record.actor, record.position) == (o["dean"], "dekan")
    assert response.context["may_receive"] is False
    # Receiving twice is not possible.
    assert client.post(reverse("desk:report_detail", args=[report.public_id])).status_code == 403
    assert StepRecord.objects.filter(step=receiving_step()).count() == 2


def test_report_holds_only_the_cases_the_vice_dean_ticks(client, officials):
    o = officials
    reported, kept = answered_case(), answered_case()
    client.force_login(o["wd1"])

    client.post(REPORT_NEW, {"cases": [reported.tracking_code], "summary": ""})

    assert list(Report.objects.get().aspirations.all()) == [reported]
    assert state(kept)[1:3] == (reporting_step(), "wd1")


def test_another_vice_dean_cannot_report_wd1s_cases(client, officials):
    o = officials
    first, second = answered_case(), answered_case()
    own = answered_case(vice_dean="wd2", category_code="keuangan")
    before = [state(first), state(second), state(own)]
    client.force_login(o["wd2"])

    page = client.get(REPORT_NEW)
    assert list(page.context["candidates"]) == [own]
    assert first.tracking_code not in page.content.decode()

    # WD II may not read WD I's cases: they are not found (decision 11).
    response = client.post(REPORT_NEW, {"cases": [first.tracking_code, second.tracking_code]})
    assert response.status_code == 404
    # Slipping one of WD I's cases in with WD II's own does not report either.
    response = client.post(REPORT_NEW, {"cases": [own.tracking_code, first.tracking_code]})
    assert response.status_code == 404
    # Nor through the case page's own form for reporting it.
    url = reverse("desk:act", args=[first.tracking_code, "report"])
    assert client.post(url, {"report-version": first.version}).status_code == 404

    assert not Report.objects.exists()
    assert [state(first), state(second), state(own)] == before


def test_a_case_reported_meanwhile_by_the_other_holder_is_named_not_reported_twice(
    client, officials
):
    o = officials
    second_wd1 = make_official("wd1_kedua", "wd1")
    first, second = answered_case(), answered_case()
    client.force_login(o["wd1"])
    page = client.get(REPORT_NEW)  # both offered
    assert len(page.context["candidates"]) == 2
    report_to_dean([Aspiration.objects.get(pk=first.pk)], second_wd1)

    response = client.post(REPORT_NEW, {"cases": [first.tracking_code, second.tracking_code]})

    assert response.status_code == 400
    assert first.tracking_code in response.context["error"]
    assert Report.objects.count() == 1
    assert state(second)[1:] == (reporting_step(), "wd1", None)


def test_a_report_with_no_case_is_refused(client, officials):
    answered_case()
    client.force_login(officials["wd1"])

    response = client.post(REPORT_NEW, {"cases": [], "summary": "Kosong."})

    assert response.status_code == 400
    assert response.context["error"]
    assert not Report.objects.exists()


def test_the_dean_can_acknowledge_from_the_case_page_too(client, officials):
    o = officials
    first, second = answered_case(), answered_case()
    client.force_login(o["wd1"])
    client.post(REPORT_NEW, {"cases": [first.tracking_code, second.tracking_code]})
    first.refresh_from_db()

    client.force_login(o["dean"])
    url = reverse("desk:act", args=[first.tracking_code, "receive_report"])
    response = client.post(url, {"receive_report-version": first.version})

    assert response.status_code == 302
    for case in (first, second):
        case.refresh_from_db()
        assert case.closure == "B"


# ---------------------------------------------------------------------------------------------
# Who reads a report (decision 11): the reporting vice dean, the Dean, those who read every case


def test_a_report_is_read_by_its_vice_dean_and_the_dean_and_not_by_another_vice_dean(
    client, officials
):
    o = officials
    case = answered_case()
    report = report_to_dean([case], o["wd1"], summary="Satu aspirasi akademik.")
    page = reverse("desk:report_detail", args=[report.public_id])
    pdf = reverse("printing:report_pdf", args=[report.public_id])

    for name in ("wd1", "dean", "kabag"):
        client.force_login(o[name])
        response = client.get(page)
        assert response.status_code == 200, name
        assert case.tracking_code in response.content.decode(), name
        assert client.get(pdf).status_code == 200, name
    for name in ("wd2", "wd3", "clerk"):
        client.force_login(o[name])
        for url in (page, pdf):
            response = client.get(url)
            assert response.status_code == 404, (name, url)
            assert b"Satu aspirasi akademik." not in response.content, (name, url)
        assert client.post(page).status_code == 404, name
    report.refresh_from_db()
    assert report.received_at is None


def test_the_case_page_links_its_report_only_for_those_who_read_the_report(client, officials):
    o = officials
    case = answered_case()
    report = report_to_dean([case], o["wd1"])
    link = f'href="{reverse("desk:report_detail", args=[report.public_id])}"'

    client.force_login(o["dean"])
    assert link in client.get(reverse("desk:case", args=[case.tracking_code])).content.decode()
    client.force_login(o["clerk"])  # reads the case (received it at the start), not the report
    page = client.get(reverse("desk:case", args=[case.tracking_code]))
    assert page.status_code == 200
    assert link not in page.content.decode() and f"#{report.pk}" in page.content.decode()


def test_the_old_sequential_address_of_a_report_finds_nothing(client, officials):
    o = officials
    report = report_to_dean([answered_case()], o["wd1"])
    client.force_login(o["dean"])

    assert client.get(f"/meja/laporan/{report.pk}/").status_code == 404
    assert client.get(f"/meja/laporan/{report.pk}/laporan.pdf").status_code == 404
    assert str(report.pk) != report.public_id and len(report.public_id) >= 22
    assert client.get(reverse("desk:report_detail", args=[report.public_id])).status_code == 200


def test_a_vice_dean_who_read_a_case_but_does_not_hold_it_cannot_report_it(client, officials):
    """WD II sent the case back, the Kabag TU routed it to WD I, who answered it: WD II still
    reads it (it passed their desk), so ticking it is refused as forbidden, not as unknown."""
    o = officials
    start = TUESDAY_9 - dt.timedelta(days=7)
    case = walked(via=["forward", "send_back"], vice_dean="wd2", start=start)
    case = walk_case(case, until="report", vice_dean="wd1")
    assert (case.current_step, case.current_position) == (reporting_step(), "wd1")
    before = state(case)
    client.force_login(o["wd2"])
    assert client.get(reverse("desk:case", args=[case.tracking_code])).status_code == 200

    response = client.post(REPORT_NEW, {"cases": [case.tracking_code]})

    assert response.status_code == 403
    assert state(case) == before and not Report.objects.exists()
