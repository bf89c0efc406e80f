"""Open311 output: XML (schemaless, no namespace) and JSON by the Spark convention.

A list becomes `<plural><singular>…</singular></plural>` in XML and an array in JSON; the root
of a list response is dropped in JSON (`<services><service>` → `[{…}]`), as in the spec's examples.
"""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we only build XML, never parse input
from typing import Any

from django.http import HttpResponse

SINGULAR = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# Characters XML 1.0 cannot carry at all; stored text is cleaned of them on the way out.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, name: str, value: Any) -> None:
    child = ET.SubElement(element, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(child, key, item)
    elif isinstance(value, list):
        for item in value:
            _fill(child, SINGULAR[name], item)
    else:
        child.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _fill(element, SINGULAR[root], item)
    else:
        for key, item in value.items():
            _fill(element, key, item)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`value` is a list (root is a plural) or a dict (root is the object's element name)."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, description: str, code: int | None = None) -> HttpResponse:
    """The spec's error body: a list of `{code, description}`."""
    return respond(fmt, "errors", [{"code": code or status, "description": description}], status)
