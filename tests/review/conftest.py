import pytest

from tests.factories import make_official

from . import dataset as data


@pytest.fixture
def december(db, officials):
    """The data set of tests/review/dataset.py (December 2025)."""
    return data.build(officials)


@pytest.fixture
def quality_officer(db):
    """The holder of the quality-assurance officer's position (no step of the flow)."""
    return make_official("mutu", "penjaminan_mutu")
