"""Who may print: a current official, the cases and reports they may read (identity as privacy
allows); nobody else."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from aspirasi.cases.engine import report_to_dean
from aspirasi.officials.models import Holding
from tests.factories import TUESDAY_9, walked

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(officials):
    # A case its vice dean answered, reported to the Dean: the form, the slip and the report.
    case = walked(until="report", vice_dean="wd1", start=TUESDAY_9 - dt.timedelta(days=7))
    report = report_to_dean([case], officials["wd1"])
    return [
        reverse("printing:case_form_pdf", args=[case.tracking_code]),
        reverse("printing:receipt_pdf", args=[case.tracking_code]),
        reverse("printing:report_pdf", args=[report.public_id]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next="), url


def test_signed_in_non_officials_and_former_officials_are_refused(client, officials, urls):
    client.force_login(officials["outsider"])
    for url in urls:
        assert client.get(url).status_code == 403, url

    Holding.objects.filter(user=officials["wd3"]).update(ends_on=dt.date(2021, 1, 1))
    client.force_login(officials["wd3"])
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_writes_are_not_accepted(client, officials, urls):
    client.force_login(officials["dean"])
    for url in urls:
        assert client.post(url).status_code == 405, url


def test_an_unknown_case_or_report_is_404(client, officials):
    client.force_login(officials["dean"])
    assert (
        client.get(reverse("printing:case_form_pdf", args=["ASP-2026-999999"])).status_code == 404
    )
    assert client.get(reverse("printing:report_pdf", args=["tidak-ada"])).status_code == 404


def test_a_vice_dean_cannot_print_another_vice_deans_case_or_report(client, officials, urls):
    """Not found, as a case that does not exist (decision 11): WD I's case never reached WD II."""
    client.force_login(officials["wd2"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] != "application/pdf", url
    client.force_login(officials["wd1"])
    assert client.get(urls[0]).status_code == 200  # the form of their own case
    assert client.get(urls[2]).status_code == 200  # their own report
