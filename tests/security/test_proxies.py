"""Client addresses behind a reverse proxy: X-Forwarded-For counts only from trusted proxies,
read from the right, so a client cannot pick the address its rate limit is counted under."""

import pytest
from django.test import RequestFactory

from gongzhi.core.ratelimit import axes_client_ip, client_ip

PROXY = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_socket_address_is_the_client(settings):
    settings.GONGZHI_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_forwarded_client_counts(settings):
    settings.GONGZHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"
    assert axes_client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_choose_its_address_by_writing_the_header(settings):
    settings.GONGZHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.1")) == "198.51.100.1"
    # Two proxies of ours in a row: the first untrusted hop from the right is the client.
    assert client_ip(_request(PROXY, "1.2.3.4, 198.51.100.1, 10.0.0.9")) == "198.51.100.1"


def test_an_untrusted_sender_is_not_believed(settings):
    settings.GONGZHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "198.51.100.1, garbage"])
def test_a_missing_or_malformed_header_falls_back_to_the_proxy(settings, forwarded):
    settings.GONGZHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(PROXY, forwarded)) == PROXY


def test_a_malformed_setting_stops_the_start():
    import os
    import subprocess
    import sys

    env = dict(os.environ, GONGZHI_TRUSTED_PROXIES="10.0.0.0/24,nonsense")
    env["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "nonsense" in result.stderr
