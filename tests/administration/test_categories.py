"""Categories and the vice dean each suggests, from the positions the SOP file defines."""

import pytest
from django.urls import reverse

from aspirasi.cases.engine import vice_dean_choices
from aspirasi.cases.models import Category

pytestmark = pytest.mark.django_db

NEW = reverse("administration:category_new")


def form_data(**fields) -> dict:
    data = {
        "code": "sarana",
        "name_id": "Sarana dan prasarana",
        "name_en": "Facilities",
        "suggested_position": "wd2",
        "order": "9",
        "active": "on",
    }
    data.update(fields)
    return data


def test_the_suggestion_offers_exactly_the_vice_deans_of_the_sop(client, officials):
    client.force_login(officials["kabag"])

    form = client.get(NEW).context["form"]

    offered = [code for code, _name in form.fields["suggested_position"].choices if code]
    assert offered == [code for code, _name in vice_dean_choices()] == ["wd1", "wd2", "wd3"]


def test_admin_adds_a_category_that_suggests_vice_dean_ii(client, officials):
    client.force_login(officials["kabag"])

    response = client.post(NEW, form_data())

    assert response.status_code == 302
    category = Category.objects.get(code="sarana")
    assert (category.suggested_position, category.active) == ("wd2", True)
    assert (
        "Sarana dan prasarana" in client.get(reverse("administration:categories")).content.decode()
    )


@pytest.mark.parametrize("position", ["dekan", "kabag_tu", "wd9"])
def test_a_suggestion_that_is_not_a_vice_dean_of_the_sop_is_refused(client, officials, position):
    client.force_login(officials["kabag"])

    response = client.post(NEW, form_data(suggested_position=position))

    assert response.status_code == 400
    assert response.context["form"].errors["suggested_position"]
    assert not Category.objects.filter(code="sarana").exists()


def test_editing_changes_the_suggestion_but_never_the_code(client, officials):
    category = Category.objects.get(code="akademik")
    client.force_login(officials["kabag"])

    response = client.post(
        reverse("administration:category_edit", args=[category.pk]),
        form_data(code="lain", name_id=category.name_id, suggested_position="wd3", active=""),
    )

    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.suggested_position, category.active) == (
        "akademik",
        "wd3",
        False,
    )
