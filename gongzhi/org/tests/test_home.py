import pytest
from django.test import Client

from gongzhi.org.testing import PASSWORD


def _home(username: str) -> str:
    client = Client()
    client.login(username=username, password=PASSWORD)
    return client.get("/").content.decode()


@pytest.mark.django_db
def test_resident_lands_on_their_household(personas) -> None:
    page = _home("resident_a")
    assert "我的房屋" in page and "A小区" in page and "89.50" in page
    assert "我的工作范围" not in page


@pytest.mark.django_db
def test_community_worker_lands_on_their_community(personas) -> None:
    page = _home("community_worker")
    assert "华锦社区" in page and "宝安社区" not in page


@pytest.mark.django_db
def test_a_party_branch_counts_only_the_compounds_it_may_open(personas) -> None:
    """A compound's party branch works in A小区 alone: its community card says one compound,
    as the community page it leads to lists, not the community's two."""
    page = _home("party_a")
    assert "华锦社区" in page and "1 个小区" in page and "2 个小区" not in page
    assert "2 个小区" in _home("community_worker")


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_english_is_available(personas) -> None:
    client = Client()
    client.login(username="resident_a", password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
