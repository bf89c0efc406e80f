"""API test helpers: bearer clients per persona, Open311 keys, and the cases app's CaseMaker."""

import pytest
from django.test import Client

from gongzhi.api import services
from gongzhi.cases.tests.conftest import CaseMaker


def bearer(user) -> Client:
    """A test client that sends a fresh token of `user` with every request."""
    secret = services.token_issue(actor=user).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.fixture
def make(personas, settings, tmp_path) -> CaseMaker:
    settings.MEDIA_ROOT = tmp_path
    return CaseMaker(personas)


@pytest.fixture
def open311_key(personas):
    """A key of the personas' street: (client, secret)."""
    issued = services.open311_client_create(
        actor=personas.street_officer, name="南湖随手拍", street=personas.street
    )
    return issued.obj, issued.secret
