"""Who may see and do what at the desk (decisions 8 and 11), through HTTP.

Cases are walked along the SOP (tests/factories.py); steps are found by the actions they offer."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirasi.cases.models import Aspiration, Report, StepRecord
from aspirasi.officials.models import Holding
from aspirasi.sop.registry import current_sop
from tests.factories import (
    TUESDAY_9,
    make_acting,
    make_case,
    make_official,
    make_user,
    step_with,
    walked,
)

pytestmark = pytest.mark.django_db

INBOX = reverse("desk:inbox")
LOGIN = reverse("desk:login")


def case_url(case) -> str:
    return reverse("desk:case", args=[case.tracking_code])


def act(client, case, action: str, **fields):
    """POST one action's form as the case page renders it (fields carry the action's prefix)."""
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(reverse("desk:act", args=[case.tracking_code, action]), data)


def action_forms(response) -> list[str]:
    return [form.action.name for form in response.context["forms"]]


def unchanged(case) -> bool:
    fresh = Aspiration.objects.get(pk=case.pk)
    return (fresh.version, fresh.current_step, fresh.current_position, fresh.status) == (
        case.version,
        case.current_step,
        case.current_position,
        case.status,
    ) and fresh.trail.count() == case.trail.count()


def step_after(action: str) -> int:
    """The step the SOP sends a case to when this action is done."""
    return current_sop().step(step_with(action)).action(action).to


# ---------------------------------------------------------------------------------------------
# Signed out, signed in without a position


def test_anonymous_visitor_is_sent_to_the_login(client, officials):
    case, _ = make_case()
    report = Report.objects.create(
        position="wd1", author=officials["wd1"], author_name="Wd1", created_at=TUESDAY_9
    )
    pages = [
        INBOX,
        case_url(case),
        reverse("desk:manual_intake"),
        reverse("desk:report_new"),
        reverse("desk:report_detail", args=[report.public_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{LOGIN}?next={url}", url

    response = act(client, case, "receive")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN + "?next=")
    assert unchanged(case)


def test_official_signs_in_and_lands_in_the_inbox(client, officials):
    assert client.get(LOGIN).status_code == 200

    response = client.post(
        LOGIN, {"username": "kabag", "password": "rahasia-demo-123"}, follow=True
    )

    assert response.redirect_chain[-1] == (INBOX, 302)
    assert response.context["user"] == officials["kabag"]


def test_signed_in_user_who_is_not_an_official_is_refused(client, officials):
    case, _ = make_case()
    client.force_login(officials["outsider"])

    for url in (INBOX, case_url(case), reverse("desk:manual_intake"), reverse("desk:report_new")):
        response = client.get(url)
        assert response.status_code == 403, url
        assert case.subject not in response.content.decode()
    assert act(client, case, "receive").status_code == 403
    assert unchanged(case)


def test_unknown_case_code_is_not_found_for_an_official(client, officials):
    client.force_login(officials["wd3"])

    assert client.get(reverse("desk:case", args=["ASP-2026-999999"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Reading and acting


def test_a_new_case_is_read_by_its_desk_and_those_who_read_every_case_not_by_the_vice_deans(
    client, officials
):
    case, _ = make_case()
    for name in ("clerk", "kabag", "dean"):
        client.force_login(officials[name])
        response = client.get(case_url(case))
        assert response.status_code == 200, name
        assert case.body in response.content.decode(), name
    for name in ("wd1", "wd2", "wd3"):
        client.force_login(officials[name])
        response = client.get(case_url(case))
        assert response.status_code == 404, name
        assert case.body not in response.content.decode(), name


def test_only_the_position_holding_the_case_sees_action_forms(client, officials):
    case, _ = make_case()

    client.force_login(officials["clerk"])
    response = client.get(case_url(case))
    assert action_forms(response)[0] == "receive"
    assert {"spam", "duplicate", "outside_remit", "withdrawn"} <= set(action_forms(response))
    assert reverse("desk:act", args=[case.tracking_code, "receive"]) in response.content.decode()

    for name in ("kabag", "dean"):  # they read the case, but it does not wait on them
        client.force_login(officials[name])
        response = client.get(case_url(case))
        assert action_forms(response) == [], name
        assert "/aksi/" not in response.content.decode(), name


@pytest.mark.parametrize(
    ("intruder", "status"),
    # Those who read the case are forbidden to act; to the others it is not there at all.
    [("kabag", 403), ("dean", 403), ("wd1", 404), ("wd2", 404), ("wd3", 404)],
)
def test_an_official_of_the_wrong_role_is_refused_and_nothing_changes(
    client, officials, intruder, status
):
    case, _ = make_case()
    client.force_login(officials[intruder])

    for action, fields in [("receive", {}), ("spam", {"reason": "Iklan."})]:
        response = act(client, case, action, **fields)
        assert response.status_code == status, action
    assert unchanged(case)


def test_vice_dean_ii_cannot_act_on_a_case_forwarded_to_vice_dean_i(client, officials):
    case = walked(via=["forward"], vice_dean="wd1")
    assert case.current_position == "wd1"

    client.force_login(officials["wd2"])  # the case never reached WD II: not there for them
    assert client.get(case_url(case)).status_code == 404
    assert act(client, case, "acknowledge").status_code == 404
    assert act(client, case, "send_back", reason="Bukan urusan saya.").status_code == 404
    assert unchanged(case)

    client.force_login(officials["wd1"])
    assert "acknowledge" in action_forms(client.get(case_url(case)))
    assert act(client, case, "acknowledge").status_code == 302
    assert Aspiration.objects.get(pk=case.pk).current_step == step_with("draft_response")


def test_either_of_two_clerks_may_act_on_a_case_waiting_on_their_position(client, officials):
    second_clerk = make_official("kasubbag_akademik", "kasubbag")
    case, _ = make_case()
    client.force_login(second_clerk)

    response = act(client, case, "receive")

    assert response.status_code == 302
    record = StepRecord.objects.get(aspiration=case)
    assert (record.step, record.actor, record.position) == (
        step_with("receive"),
        second_clerk,
        "kasubbag",
    )


def test_a_former_holder_may_no_longer_read_or_act(client, officials):
    case, _ = make_case()
    former = make_user("mantan", first_name="Mantan")
    Holding.objects.create(
        user=former,
        position="kasubbag",
        starts_on=dt.date(2015, 1, 1),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(former)

    # Decision 11 gives reading to officials; someone who left is no longer one.
    assert client.get(case_url(case)).status_code == 403
    assert act(client, case, "receive").status_code == 403
    assert unchanged(case)


# ---------------------------------------------------------------------------------------------
# Acting officials (Plh, decision 8)


@pytest.fixture
def plh_dekan(officials):
    """A lecturer who holds no position, acting for the Dean this week."""
    user = make_user("plh", first_name="Aminah")
    today = timezone.localdate()
    make_acting(user, "dekan", today - dt.timedelta(days=2), today + dt.timedelta(days=5))
    return user


def escalated_case():
    """A case its vice dean (WD II) has passed to the Dean for a response."""
    return walked(
        via=["escalate"],
        vice_dean="wd2",
        case_options={"category_code": "keuangan"},
        texts={"reason": "Perlu keputusan Dekan."},
    )


def test_acting_official_sees_the_deans_cases_in_the_inbox(client, officials, plh_dekan):
    case = escalated_case()
    waiting_elsewhere, _ = make_case()
    client.force_login(plh_dekan)

    response = client.get(INBOX)

    assert response.status_code == 200
    assert [row["code"] for row in response.context["rows"]] == [case.tracking_code]
    page = response.content.decode()
    assert "Plh Dekan" in page
    assert case.tracking_code in page
    assert waiting_elsewhere.tracking_code not in page


def test_acting_official_acts_and_the_trail_says_a_n_with_the_position(
    client, officials, plh_dekan
):
    case = escalated_case()
    client.force_login(plh_dekan)
    page = client.get(case_url(case))
    assert action_forms(page)[0] == "acknowledge"

    assert act(client, case, "acknowledge").status_code == 302
    case.refresh_from_db()
    assert act(client, case, "respond", text="Keringanan UKT disetujui 50%.").status_code == 302

    record = StepRecord.objects.get(aspiration=case, step=step_after("escalate"))
    assert (record.actor, record.position, record.acting_for) == (plh_dekan, "dekan", "dekan")
    response = client.get(case_url(case))
    trail = response.content.decode().split('id="trail"', 1)[1]
    assert "Aminah, a.n. Dekan" in trail
    responses = response.content.decode().split('id="trail"', 1)[0]
    assert "Aminah, a.n. Dekan" in responses  # the Dean's response, written by the Plh


def test_acting_official_is_refused_outside_the_acting_period(client, officials):
    case = escalated_case()
    user = make_user("plh_lama", first_name="Lama")
    make_acting(user, "dekan", dt.date(2025, 1, 6), dt.date(2025, 1, 10))
    client.force_login(user)

    assert client.get(case_url(case)).status_code == 403  # no longer an official
    assert client.get(INBOX).status_code == 403
    assert act(client, case, "acknowledge").status_code == 403
    assert unchanged(case)
