"""The AI card's likely repeats after the audit of issue #4: 并入 stops a case's own clock, so
one click offers it only for a repeat read as the same category, never for a case read as 紧急
or 特急 (listed as 相似诉求 instead); and an English emergency is flagged on the card."""

import pytest
from django.test import Client

from gongzhi.cases.choices import Category
from gongzhi.cases.models import CaseSuggestion
from gongzhi.cases.suggestions import SuggestedUrgency
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _page(user, case) -> str:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(f"/cases/{case.pk}/").content.decode()


def _linked(case, other, *, category, urgency) -> None:
    """The AI grid worker's suggestion for `case`: this category and urgency, `other` a repeat."""
    suggestion = CaseSuggestion.objects.filter(case=case).latest("id")
    suggestion.category = category
    suggestion.urgency = urgency
    suggestion.duplicate_ids = [other.pk]
    suggestion.duplicate_details = {str(other.pk): {"score": 0.16, "words": ["垃圾站"]}}
    suggestion.save()
    CaseSuggestion.objects.filter(case=other).update(category=Category.SANITATION)


def _duplicates(page: str) -> str:
    return page[page.index('data-testid="ai-duplicates"') :]


def test_a_fire_is_offered_no_one_click_merge_into_the_rubbish_complaint(make, personas):
    p = personas
    rubbish = make.received(title="垃圾清运不及时", content="小区东门垃圾站这几天都没有清运")
    fire = make.received(title="着火了", content="小区北门垃圾站着火了，烟很大，已经烧到旁边的车棚")
    _linked(fire, rubbish, category=Category.SANITATION, urgency=SuggestedUrgency.EMERGENCY)
    listed = _duplicates(_page(p.community_worker, fire))
    assert rubbish.number in listed and "相似诉求" in listed
    assert 'data-testid="ai-merge"' not in listed and "疑似重复诉求" not in listed
    assert "本诉求紧急，须单独计时办理" in listed


def test_a_repeat_read_as_another_category_is_only_similar(make, personas):
    p = personas
    rubbish = make.received(title="垃圾清运不及时", content="小区东门垃圾站这几天都没有清运")
    other = make.received(title="垃圾站旁路灯坏了", content="东门垃圾站旁边的路灯不亮")
    _linked(other, rubbish, category=Category.REPAIR, urgency=SuggestedUrgency.NORMAL)
    listed = _duplicates(_page(p.community_worker, other))
    assert rubbish.number in listed and 'data-testid="ai-merge"' not in listed
    assert "建议类别不同" in listed


def test_a_plain_repeat_of_the_same_category_keeps_its_one_click_merge(make, personas):
    p = personas
    rubbish = make.received(title="垃圾清运不及时", content="小区东门垃圾站这几天都没有清运")
    again = make.received(title="东门垃圾没人清", content="东门垃圾站的垃圾好几天没人清运了")
    _linked(again, rubbish, category=Category.SANITATION, urgency=SuggestedUrgency.NORMAL)
    listed = _duplicates(_page(p.community_worker, again))
    assert "疑似重复诉求" in listed and 'data-testid="ai-merge"' in listed
    assert f'name="original" value="{rubbish.number}"' in listed


def test_an_english_emergency_shows_its_signs_without_a_category(make, personas):
    p = personas
    case = make.received(
        title="Fire",
        content="There is a fire in building 3 and smoke everywhere, people are trapped in "
        "the lift! Please send help.",
    )
    suggestion = CaseSuggestion.objects.filter(case=case).latest("id")
    assert suggestion.category == "" and suggestion.urgency == SuggestedUrgency.EMERGENCY
    page = _page(p.community_worker, case)
    card = page[page.index('data-testid="ai-suggestion"') :]
    assert "内容不是中文或中文太少" in card
    assert 'data-testid="ai-urgency"' in card and "特急" in card
    assert "起火" in card and "电梯困人" in card
