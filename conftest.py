import pytest

from gongzhi.org.testing import Personas, build_personas


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()
