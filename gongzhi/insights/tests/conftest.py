"""Shared by the analysis pages' tests: an empty cache around each test (the pages cache
figures and hot topics under keys built from ids, which repeat between tests) and the cases
app's CaseMaker."""

import pytest
from django.core.cache import cache

from gongzhi.cases.tests.conftest import CaseMaker


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make(personas, settings, tmp_path) -> CaseMaker:
    from gongzhi.cases.sla import ensure_default_policies

    settings.MEDIA_ROOT = tmp_path
    ensure_default_policies()
    return CaseMaker(personas)
