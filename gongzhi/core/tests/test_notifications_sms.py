"""SMS adapters: the Alibaba Cloud HTTP client against a local fake server, and the console
backend. No network: the fake server listens on 127.0.0.1 on a random port."""

import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gongzhi.core.models import Delivery
from gongzhi.core.notifications import notify
from gongzhi.core.notifications.sms import (
    AliyunSmsBackend,
    ConsoleSmsBackend,
    SmsError,
    SmsMessage,
    aliyun_signature,
)
from gongzhi.core.notifications.sweeps import deliver_pending

SECRET = "test-secret-123"
DAYTIME = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class FakeAliyun(BaseHTTPRequestHandler):
    """Checks the request like the real API would, then answers `server.answer`."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("ascii")))
        self.server.requests.append(params)
        signature = params.pop("Signature", "")
        if signature != aliyun_signature(params, SECRET):
            status, answer = 400, {"Code": "SignatureDoesNotMatch", "Message": "签名不匹配"}
        else:
            status, answer = self.server.answer
        body = json.dumps(answer).encode() if answer is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def fake_aliyun(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAliyun)
    server.requests = []
    server.answer = (200, {"Code": "OK", "Message": "OK", "BizId": "biz-42", "RequestId": "r1"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GONGZHI_SMS_BACKEND = "gongzhi.core.notifications.sms.AliyunSmsBackend"
    settings.GONGZHI_SMS_ALIYUN = {
        "endpoint": f"http://127.0.0.1:{server.server_address[1]}/",
        "access_key_id": "test-key",
        "access_key_secret": SECRET,
        "sign_name": "共治平台",
        "template_code": "SMS_000001",
        "timeout": 5,
    }
    yield server
    server.shutdown()
    server.server_close()


def _notify(user, key="k1"):
    return notify(
        recipient=user,
        kind="case.resolved",
        title="您的诉求已处置，联系人13912345678",
        body="诉求 NH20260310-0001 已处置。",
        link="/cases/1/",
        dedupe_key=key,
    )


@pytest.mark.django_db
def test_aliyun_request_is_signed_and_the_message_is_marked_sent(
    personas, fake_aliyun, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAYTIME, tick=False), django_capture_on_commit_callbacks(execute=True):
        _notify(personas.resident_a)
    [request] = fake_aliyun.requests
    assert request["Action"] == "SendSms"
    assert request["PhoneNumbers"] == "13812341234"  # the recipient's own number
    assert request["SignName"] == "共治平台"
    assert request["TemplateCode"] == "SMS_000001"
    assert request["AccessKeyId"] == "test-key"
    assert request["Timestamp"] == "2026-03-10T02:00:00Z"
    params = json.loads(request["TemplateParam"])
    assert params == {"title": "您的诉求已处置，联系人139****5678"}
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.provider_message_id) == ("sent", "biz-42")


@pytest.mark.django_db
def test_aliyun_business_error_is_retried_later(personas, fake_aliyun):
    fake_aliyun.answer = (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控"})
    with time_machine.travel(DAYTIME, tick=False):
        _notify(personas.resident_a)
        assert deliver_pending(DAYTIME) == 0  # tried, not sent
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "BUSINESS_LIMIT_CONTROL" in delivery.last_error
    assert delivery.next_attempt_at > DAYTIME
    fake_aliyun.answer = (200, {"Code": "OK", "BizId": "biz-43"})
    with time_machine.travel(delivery.next_attempt_at, tick=False):
        assert deliver_pending(delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == (
        "sent",
        2,
        "biz-43",
    )


@pytest.mark.django_db
def test_aliyun_permanent_error_and_server_errors(personas, fake_aliyun):
    fake_aliyun.answer = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
    with time_machine.travel(DAYTIME, tick=False):
        _notify(personas.resident_a, key="a")
        deliver_pending(DAYTIME)
    assert Delivery.objects.get(notification__dedupe_key="a").status == "failed"
    fake_aliyun.answer = (503, None)
    with time_machine.travel(DAYTIME, tick=False):
        _notify(personas.resident_a, key="b")
        deliver_pending(DAYTIME)
    delivery = Delivery.objects.get(notification__dedupe_key="b")
    assert (delivery.status, delivery.last_error) == ("pending", "HTTP 503")


def test_aliyun_wrong_secret_is_rejected_by_the_server(fake_aliyun, settings):
    config = dict(settings.GONGZHI_SMS_ALIYUN, access_key_secret="wrong")
    with pytest.raises(SmsError) as error:
        AliyunSmsBackend(config).send(SmsMessage(phone="13812341234", text="x", params={}))
    assert error.value.permanent and "SignatureDoesNotMatch" in str(error.value)


def test_aliyun_unreachable_server_is_a_temporary_error(settings):
    config = dict(settings.GONGZHI_SMS_ALIYUN, endpoint="http://127.0.0.1:9/", timeout=2)
    config.update(access_key_id="k", access_key_secret="s", sign_name="n", template_code="t")
    with pytest.raises(SmsError) as error:
        AliyunSmsBackend(config).send(SmsMessage(phone="13812341234", text="x"))
    assert not error.value.permanent


def test_aliyun_refuses_non_http_endpoints():
    with pytest.raises(SmsError):
        AliyunSmsBackend({"endpoint": "file:///etc/passwd"})


def test_console_backend_appends_json_lines_with_a_masked_phone(tmp_path):
    path = tmp_path / "sub" / "outbox.log"
    backend = ConsoleSmsBackend(path)
    first = backend.send(SmsMessage(phone="13812341234", text="第一条", params={"title": "一"}))
    backend.send(SmsMessage(phone="13812341234", text="第二条"))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["text"] for line in lines] == ["第一条", "第二条"]
    assert lines[0]["id"] == first and lines[0]["params"] == {"title": "一"}
    assert {line["phone"] for line in lines} == {"138****1234"}


@pytest.mark.django_db
@pytest.mark.parametrize("link_template", ["SMS_000002", ""])
def test_a_text_with_a_link_uses_the_link_template_when_there_is_one(
    fake_aliyun, settings, link_template, django_capture_on_commit_callbacks
):
    """A requester without an account has nothing to log in to: their text names the tracking
    link through a template that has a ${link}; the general one says 请登录平台查看."""
    from gongzhi.core.notifications import sms_to_phone

    settings.GONGZHI_SMS_ALIYUN = {
        **settings.GONGZHI_SMS_ALIYUN,
        "template_code_link": link_template,
    }
    link = "https://gongzhi.example.cn/track/NH202603100001/0123456789abcdef01234567/"
    with time_machine.travel(DAYTIME, tick=False), django_capture_on_commit_callbacks(execute=True):
        sms_to_phone(
            phone="13812341234",
            kind="case.created",
            text="【共治】您的诉求已受理，编号NH202603100001，可点击链接查看进度：",
            title="NH202603100001已受理",
            dedupe_key="case:1:created",
            link=link,
        )
    [request] = fake_aliyun.requests
    params = json.loads(request["TemplateParam"])
    if link_template:
        assert request["TemplateCode"] == "SMS_000002"
        assert params == {"title": "NH202603100001已受理", "link": link}
    else:
        assert request["TemplateCode"] == "SMS_000001"
        assert params == {"title": "NH202603100001已受理"}
