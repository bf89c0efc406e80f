"""SMS adapters. `settings.GONGZHI_SMS_BACKEND` names the class (dotted path).

A backend has one method, `send(message) -> provider message id`, and raises `SmsError` on
failure (`permanent=True` when retrying cannot help, e.g. an invalid number).

- `ConsoleSmsBackend` (default): appends one JSON line per message to
  `settings.GONGZHI_SMS_OUTBOX` (var/sms-outbox.log); the phone is written masked.
- `AliyunSmsBackend`: Alibaba Cloud SMS (Dysmsapi `SendSms`, RPC style, HMAC-SHA1 signature
  version 1.0) over plain urllib. Settings in `settings.GONGZHI_SMS_ALIYUN`.
  The template (TemplateCode) must use exactly one variable, `${title}`, e.g.
  「您有一条新的共治通知：${title}，请登录平台查看。」 A text with a link (to a requester
  without an account, who has nothing to log in to) uses `template_code_link` when set, a
  template with the variables `${title}` and `${link}`, e.g.
  「您的诉求${title}，查看进度或评价：${link}」; without it, the general template.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from gongzhi.core.masking import mask_phone


@dataclass(frozen=True)
class SmsMessage:
    phone: str  # the recipient's own number
    text: str  # full text, for backends that send free text
    params: dict[str, str] = field(default_factory=dict)  # for template-based providers


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> str: ...


def get_backend() -> SmsBackend:
    return import_string(settings.GONGZHI_SMS_BACKEND)()


class ConsoleSmsBackend:
    _lock = threading.Lock()

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.GONGZHI_SMS_OUTBOX)

    def send(self, message: SmsMessage) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        line = json.dumps(
            {
                "id": message_id,
                "at": dt.datetime.now(dt.UTC).isoformat(),
                "phone": mask_phone(message.phone),
                "text": message.text,
                "params": message.params,
            },
            ensure_ascii=False,
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as outbox:
                outbox.write(line + "\n")
        return message_id


def _percent(value: str) -> str:
    """Alibaba Cloud's RFC 3986 encoding: space → %20, `*` → %2A, `~` kept."""
    return urllib.parse.quote(value, safe="~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{_percent(k)}={_percent(params[k])}" for k in sorted(params))
    string_to_sign = f"{method}&{_percent('/')}&{_percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


# Error codes where retrying the same request cannot succeed.
_ALIYUN_PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.INVALID_PARAMETERS",
    "InvalidAccessKeyId.NotFound",
    "SignatureDoesNotMatch",
}


class AliyunSmsBackend:
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = dict(config or settings.GONGZHI_SMS_ALIYUN)
        endpoint = self.config.get("endpoint", "")
        if not endpoint.startswith(("https://", "http://")):
            raise SmsError("短信服务地址无效（需以 http:// 或 https:// 开头）", permanent=True)

    def request_params(self, message: SmsMessage) -> dict[str, str]:
        cfg = self.config
        template, variables = cfg["template_code"], {"title": message.params.get("title", "")}
        if message.params.get("link") and cfg.get("template_code_link"):
            template, variables = cfg["template_code_link"], dict(message.params)
        params = {
            "AccessKeyId": cfg["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.phone,
            "RegionId": cfg.get("region", "cn-hangzhou"),
            "SignName": cfg["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(variables, ensure_ascii=False),
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, cfg["access_key_secret"])
        return params

    def send(self, message: SmsMessage) -> str:
        body = urllib.parse.urlencode(self.request_params(message)).encode("ascii")
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.config["endpoint"],
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - scheme checked in __init__
                request, timeout=float(self.config.get("timeout", 10))
            ) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:  # the API answers errors as JSON with 4xx/5xx
            raw = exc.read()
            if not raw:
                raise SmsError(f"HTTP {exc.code}", permanent=False) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"短信服务无法连接：{exc}") from exc
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SmsError("短信服务返回了无法解析的应答") from exc
        code = str(answer.get("Code", ""))
        if code == "OK":
            return str(answer.get("BizId") or answer.get("RequestId") or "")
        raise SmsError(f"{code}: {answer.get('Message', '')}", permanent=code in _ALIYUN_PERMANENT)
