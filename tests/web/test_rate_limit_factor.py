"""ASPIRASI_RATE_LIMIT_FACTOR: a load test raises every rate limit by one documented setting,
checked at start-up like the other settings; the window stays as it is."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from aspirasi.web import ratelimit

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "aspirasi" / "settings.py"


@pytest.fixture
def fresh_limits():
    caches[ratelimit.CACHE].clear()
    yield
    caches[ratelimit.CACHE].clear()


def allowed_before_refusal(scope: str, ident: str) -> int:
    used = 0
    while not ratelimit.hit(scope, ident):
        used += 1
        assert used < 1000, "never refused"
    return used


@pytest.mark.django_db
def test_the_factor_multiplies_every_allowance_but_not_the_window(settings, fresh_limits):
    settings.ASPIRASI_RATE_LIMITS = {
        **settings.ASPIRASI_RATE_LIMITS,
        "submit": (2, 3600),
        "signin": (3, 900),
    }
    assert allowed_before_refusal("submit", "10.0.0.1") == 2

    settings.ASPIRASI_RATE_LIMIT_FACTOR = 3
    assert allowed_before_refusal("submit", "10.0.0.2") == 6
    assert allowed_before_refusal("signin", "10.0.0.2") == 9
    assert ratelimit.exceeded("submit", "10.0.0.2")
    assert not ratelimit.exceeded("submit", "10.0.0.3")
    assert ratelimit.window_minutes("submit") == 60

    settings.ASPIRASI_RATE_LIMIT_FACTOR = 2.5  # a fraction of a request is not allowed
    assert allowed_before_refusal("submit", "10.0.0.4") == 5


def settings_with(monkeypatch, value: str | None) -> dict:
    if value is None:
        monkeypatch.delenv("ASPIRASI_RATE_LIMIT_FACTOR", raising=False)
    else:
        monkeypatch.setenv("ASPIRASI_RATE_LIMIT_FACTOR", value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_factor_is_read_from_the_environment_and_is_1_without_it(monkeypatch):
    assert settings_with(monkeypatch, None)["ASPIRASI_RATE_LIMIT_FACTOR"] == 1
    assert settings_with(monkeypatch, "1000")["ASPIRASI_RATE_LIMIT_FACTOR"] == 1000
    assert settings_with(monkeypatch, "2.5")["ASPIRASI_RATE_LIMIT_FACTOR"] == 2.5


@pytest.mark.parametrize("value", ["", "many", "0", "0.5", "-2", "inf", "nan", "1e10"])
def test_start_up_refuses_a_factor_that_is_not_a_number_from_1_up(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match="ASPIRASI_RATE_LIMIT_FACTOR"):
        settings_with(monkeypatch, value)
