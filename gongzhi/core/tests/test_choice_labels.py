"""A choice field's label (get_status_display) is read from a cached table of the field's
choices, and still follows the language of each request."""

from django.utils import translation

from gongzhi.cases.models import Case, CaseEvent


def test_a_label_follows_the_active_language_after_it_was_cached() -> None:
    case = Case(status="received", channel="hotline_12345")
    with translation.override("zh-hans"):
        assert case.get_status_display() == "已受理"
    with translation.override("en"):
        assert case.get_status_display() == "Received"
        assert case.get_channel_display() != "12345热线"
    with translation.override("zh-hans"):
        assert case.get_status_display() == "已受理"
        assert case.get_channel_display() == "12345热线"


def test_a_value_without_a_choice_shows_as_it_is() -> None:
    assert Case(status="archived").get_status_display() == "archived"
    assert CaseEvent(kind="").get_kind_display() == ""
