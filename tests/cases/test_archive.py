"""Closed cases are archived: readable, never changeable, even by code that bypasses the engine."""

import pytest
from django.db import DatabaseError, transaction

from aspirasi.cases.engine import ActionInput, perform
from aspirasi.cases.models import Aspiration, Response
from tests.factories import make_case, walk

pytestmark = pytest.mark.django_db


def closed_case(officials):
    case, _ = make_case()
    return walk(
        case,
        [
            (officials["clerk"], "receive", None),
            (officials["clerk"], "answer", ActionInput(text="Sudah kami jawab.")),
        ],
    )


def test_database_refuses_to_change_an_archived_case(officials):
    case = closed_case(officials)
    with pytest.raises(DatabaseError), transaction.atomic():
        Aspiration.objects.filter(pk=case.pk).update(subject="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        Response.objects.filter(aspiration=case).update(text="diubah")
    assert Aspiration.objects.get(pk=case.pk).subject != "diubah"


def test_database_refuses_to_rewrite_the_trail(officials):
    case, _ = make_case()
    case = perform(case, officials["clerk"], "receive")
    with pytest.raises(DatabaseError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_steprecord SET note = 'x'")
    assert case.trail.get().note == ""
