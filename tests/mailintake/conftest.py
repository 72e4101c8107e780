import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The files e-mails bring go to a MEDIA_ROOT of the test's own, never to ./var."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
