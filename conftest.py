import pytest
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from gongzhi.cases.sla import ensure_default_policies
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test's flush deletes the default SLA policies a data migration wrote;
    put them back for whatever test runs next in this process, in any directory (xdist may run
    any file after it). Live-server browser tests put them back in their own fixture."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction") and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            ensure_default_policies()
    return result
