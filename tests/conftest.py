import pytest

from tests.factories import PERSONAS, make_official, make_user


@pytest.fixture
def officials(db):
    """One holder per position, plus an outsider who holds nothing."""
    people = {name: make_official(name, position) for name, position in PERSONAS.items()}
    people["outsider"] = make_user("outsider")
    return people
