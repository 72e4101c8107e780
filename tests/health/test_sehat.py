"""/sehat/ answers 200 when the database answers, a worker was seen lately, the data disk has
room and the last backup is recent, else 503; anonymous callers get the word only, the admin or
the monitoring token gets JSON naming what is wrong."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

import pytest
from django.utils import timezone

from aspirasi.health import checks
from aspirasi.notifications.models import WorkerBeat
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/sehat/"


@pytest.fixture
def healthy(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASPIRASI_BACKUP_DIR = str(tmp_path / "backups")
    settings.ASPIRASI_HEALTH_TOKEN = "token-pemantauan"
    # An archive as the nightly backup names them (a real one is made outside the test's
    # transaction: tests/backups); /sehat/ reads its date from the name.
    (tmp_path / "backups").mkdir()
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    (tmp_path / "backups" / f"aspirasi-{stamp}.tar").write_bytes(b"")
    beat(seen=timezone.now())
    return tmp_path


def beat(*, seen: dt.datetime, stopped: dt.datetime | None = None) -> WorkerBeat:
    return WorkerBeat.objects.create(
        worker_id="w1", host="app1", pid=1, started_at=seen, seen_at=seen, stopped_at=stopped
    )


def details(client) -> dict:
    response = client.get(URL, HTTP_AUTHORIZATION="Bearer token-pemantauan")
    return response.status_code, response.json()


def test_a_healthy_system_answers_200_and_tells_strangers_nothing_more(client, healthy):
    response = client.get(URL)
    assert response.status_code == 200 and response.content == b"sehat\n"
    assert "no-cache" in response["Cache-Control"]
    status, body = details(client)
    assert status == 200 and body["healthy"] and body["problems"] == []


def test_a_stopped_worker_makes_it_503_and_the_monitoring_hears_why(client, healthy):
    WorkerBeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=10))
    response = client.get(URL)
    assert response.status_code == 503 and response.content == b"tidak sehat\n"
    status, body = details(client)
    assert status == 503 and any(p.startswith("worker:") for p in body["problems"])


def test_an_old_or_missing_backup_makes_it_503(client, healthy, settings):
    settings.ASPIRASI_BACKUP_MAX_AGE_HOURS = 26
    (fresh,) = (healthy / "backups").iterdir()
    old = (timezone.now() - dt.timedelta(hours=27)).strftime("%Y%m%dT%H%M%S%fZ")
    fresh.rename(fresh.with_name(f"aspirasi-{old}.tar"))
    status, body = details(client)
    assert status == 503 and any("backup" in p and "old" in p for p in body["problems"])
    settings.ASPIRASI_BACKUP_DIR = str(healthy / "elsewhere")
    status, body = details(client)
    assert any("no backup" in p for p in body["problems"])


def test_a_full_disk_makes_it_503(client, healthy, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(checks.shutil, "disk_usage", lambda path: usage(10**9, 10**9, 10**6))
    status, body = details(client)
    assert status == 503 and any(p.startswith("disk:") and "MB free" in p for p in body["problems"])


def test_the_admin_gets_details_and_a_wrong_token_gets_none(client, healthy):
    wrong = client.get(URL, HTTP_AUTHORIZATION="Bearer salah")
    assert wrong["Content-Type"].startswith("text/plain")
    admin = make_user("root")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(URL).json()["checks"]["database"]["ok"] is True
