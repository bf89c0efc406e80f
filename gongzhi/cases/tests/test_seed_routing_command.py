"""`seed_routing` with an account that does not exist fails (exit status 1) instead of passing
silently, so a deployment script notices."""

import io

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases.models import RoutingRule


@pytest.mark.django_db
def test_seed_routing_fails_for_an_unknown_officer(personas) -> None:
    with pytest.raises(CommandError, match="没有账号 nobody，未载入派单规则。"):
        call_command("seed_routing", officer="nobody", stdout=io.StringIO())
    assert not RoutingRule.objects.exists()
