import pytest
from pytest_django.plugin import blocking_manager_key

from gongzhi.cases.sla import ensure_default_policies


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test's flush also deletes the default SLA policies a data migration
    wrote; put them back for the tests that run next in this process."""
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction") and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            ensure_default_policies()
    return result
