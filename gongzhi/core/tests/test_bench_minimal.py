"""/bench/minimal: the floor `make bench` compares pages with; hidden outside benchmarks."""

from django.test import Client, override_settings


def test_bench_minimal_is_not_found_outside_benchmarks() -> None:
    assert Client().get("/bench/minimal").status_code == 404


@override_settings(GONGZHI_BENCH=True)
def test_bench_minimal_answers_a_constant_without_database_or_session() -> None:
    # No django_db mark: pytest-django fails the test if the request touches the database.
    response = Client().get("/bench/minimal")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies
