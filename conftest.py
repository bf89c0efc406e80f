import pytest
from django.utils import translation

from gongzhi.org.testing import Personas, build_personas


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture(autouse=True)
def _default_language():
    """End every test in the default language: a request in English (setlang, Accept-Language)
    leaves English active in the thread, and lazily translated choice labels would then read
    differently in whatever test runs next."""
    yield
    translation.deactivate()
