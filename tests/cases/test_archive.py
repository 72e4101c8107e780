"""Closed cases are archived: readable, never changeable, even by code that bypasses the engine."""

import pytest
from django.db import DatabaseError, connection, transaction

from aspirasi.cases.models import Aspiration, Response
from tests.factories import act, make_case, walked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("officials")]


def test_database_refuses_to_change_an_archived_case():
    case = walked(path="A", texts={"response": "Sudah kami jawab."})
    assert case.responses.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        Aspiration.objects.filter(pk=case.pk).update(subject="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        Response.objects.filter(aspiration=case).update(text="diubah")
    assert Aspiration.objects.get(pk=case.pk).subject != "diubah"
    assert case.responses.get().text == "Sudah kami jawab."


def test_database_refuses_to_rewrite_the_trail():
    case, _ = make_case()
    case = act(case, "receive")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_steprecord SET note = 'x'")
    assert case.trail.get().note == ""
