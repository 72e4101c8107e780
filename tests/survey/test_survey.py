"""The customer rates an answered case once (issue 4, point 5); officials read the IKM per case
on the case page and per month on their own page."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.choices import Privacy
from aspirasi.cases.engine import ActionInput as T
from aspirasi.cases.engine import Incomplete
from aspirasi.cases.walking import walk_case
from aspirasi.survey import selectors
from aspirasi.survey.models import SurveyResponse
from aspirasi.survey.services import survey_submit
from tests.factories import act, make_case

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def answered(officials, **overrides):
    """A case the clerk answered and closed (path A), and its secret."""
    case, secret = make_case(**overrides)
    case = walk_case(case, path="A", texts={"response": "Sudah kami perbaiki."})
    return case, secret


def answers(value=3, **overrides):
    data = {f"u{n}": value for n in range(1, 10)}
    data.update(overrides)
    return data


def post_data(values: dict, **extra) -> dict:
    data = {f"survey-{k}": str(v) for k, v in values.items()}
    data.update({f"survey-{k}": v for k, v in extra.items()})
    return data


def test_the_survey_opens_only_once_the_case_is_answered(client, officials):
    case, secret = make_case()
    track = reverse("public:track", args=[case.tracking_code, secret])

    assert client.get(track).context["survey_form"] is None
    with pytest.raises(Incomplete):
        survey_submit(case=case, answers=answers())

    case = walk_case(case, until="answer")
    assert client.get(track).context["survey_form"] is None
    case = act(case, "answer", T(text="Beres."))
    assert client.get(track).context["survey_form"] is not None


def test_the_customer_fills_the_survey_on_the_tracking_page(client, officials, fresh_limits):
    case, secret = answered(officials)

    response = client.post(
        reverse("public:survey", args=[case.tracking_code, secret]),
        post_data(answers(4, u3=2), comment="Cepat dan ramah.", age="22", sex="P"),
    )

    assert response.status_code == 302
    survey = SurveyResponse.objects.get(aspiration=case)
    assert survey.answers == (4, 4, 2, 4, 4, 4, 4, 4, 4)
    assert (survey.comment, survey.age, survey.sex) == ("Cepat dan ramah.", 22, "P")
    # (8×4 + 2) / 9 × 25 = 94.44
    assert survey.index.converted == Decimal("94.44")
    page = client.get(response["Location"])
    assert page.context["survey_form"] is None
    assert 'id="survey-done"' in page.content.decode()


def test_a_missing_answer_is_refused_per_element_and_the_rest_is_kept(
    client, officials, fresh_limits
):
    case, secret = answered(officials)
    values = answers(4)
    del values["u7"]

    response = client.post(
        reverse("public:survey", args=[case.tracking_code, secret]),
        post_data(values, comment="Komentar yang panjang sekali."),
    )

    assert response.status_code == 400
    form = response.context["survey_form"]
    assert list(form.errors) == ["u7"]
    page = response.content.decode()
    assert "Komentar yang panjang sekali." in page
    assert 'value="4" required checked' in page or "checked" in page
    assert not SurveyResponse.objects.exists()


def test_one_survey_per_case(officials):
    case, _secret = answered(officials)
    survey_submit(case=case, answers=answers(3))

    with pytest.raises(Incomplete):
        survey_submit(case=case, answers=answers(4))
    assert SurveyResponse.objects.count() == 1


def test_an_anonymous_case_offers_and_keeps_no_profile(client, officials, fresh_limits):
    case, secret = answered(officials, privacy=Privacy.ANONYMOUS)
    track = reverse("public:track", args=[case.tracking_code, secret])

    assert "age" not in client.get(track).context["survey_form"].fields
    survey = survey_submit(case=case, answers=answers(3), profile={"age": 30, "sex": "L"})

    assert (survey.age, survey.sex) == (None, "")


def test_the_case_page_shows_the_survey_with_its_index_and_profile(client, officials):
    named, _s = answered(officials)
    survey_submit(case=named, answers=answers(4), comment="Mantap.", profile={"age": 40})
    client.force_login(officials["kabag"])

    page = client.get(reverse("desk:case", args=[named.tracking_code])).content.decode()

    assert 'id="desk-survey"' in page
    assert "IKM 100,00" in page  # Indonesian decimals
    assert "Mantap." in page
    assert "40" in page


def test_a_confidential_respondents_profile_is_shown_only_to_those_who_handled_it(
    client, officials
):
    case, _s = answered(officials, privacy=Privacy.CONFIDENTIAL)
    survey_submit(case=case, answers=answers(4), profile={"age": 87, "sex": "P"})
    page = reverse("desk:case", args=[case.tracking_code])

    client.force_login(officials["dean"])  # reads every case, never held a step of it
    outsider = client.get(page).content.decode()
    client.force_login(case.trail.get(action="answer").actor)  # answered it
    handler = client.get(page).content.decode()

    assert 'id="desk-survey"' in outsider and "87" not in survey_section(outsider)
    assert "87" in survey_section(handler)  # (no time of day holds 87)


def survey_section(page: str) -> str:
    """The case page's survey section alone (a CSRF token elsewhere may hold any digits)."""
    start = page.index('id="desk-survey"')
    ends = [page.find(mark, start + 1) for mark in ("<h2", "</main>")]
    return page[start : min(end for end in ends if end != -1)]


def test_the_ikm_per_month_page_groups_by_the_faculty_s_months(client, officials):
    first, _ = answered(officials)
    second, _ = answered(officials)
    third, _ = answered(officials)
    # 31 January 23:30 WITA is still January at the faculty, although February in UTC+9.
    survey_submit(case=first, answers=answers(4), now=dt.datetime(2026, 1, 31, 23, 30, tzinfo=WITA))
    survey_submit(case=second, answers=answers(2), now=dt.datetime(2026, 1, 10, 9, 0, tzinfo=WITA))
    survey_submit(case=third, answers=answers(3), now=dt.datetime(2026, 2, 1, 8, 0, tzinfo=WITA))

    months, whole = selectors.monthly(2026)

    assert months[0].index.respondents == 2
    assert months[0].index.converted == Decimal("75.00")  # (4 + 2) / 2 × 25
    assert months[1].index.respondents == 1
    assert months[2].index is None
    assert whole.respondents == 3 and whole.converted == Decimal("75.00")

    assert client.get(reverse("survey:ikm")).status_code == 302
    client.force_login(officials["outsider"])
    assert client.get(reverse("survey:ikm")).status_code == 403
    client.force_login(officials["dean"])
    response = client.get(reverse("survey:ikm"), {"tahun": "2026"})
    assert response.status_code == 200
    assert 'id="ikm-year">75,00<' in response.content.decode()


def test_the_ikm_page_survives_a_nonsense_year(client, officials):
    client.force_login(officials["dean"])

    response = client.get(reverse("survey:ikm"), {"tahun": "abc"})

    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
