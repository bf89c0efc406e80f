"""Steps the browser journeys share: signing in, opening a case from the queue, taking an action
from a case page, and the files a person would upload (a photo, a hotline Excel export)."""

import io
import re
import struct
import zlib

from gongzhi.org.testing import PASSWORD

RED = "rgb(198, 40, 40)"  # .gz-overdue in static/css/gongzhi.css


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("form").filter(has=page.locator("#id_password")).get_by_role(
        "button", name="登录"
    ).click()
    page.get_by_test_id("current-user").wait_for(state="attached")


def flash(page) -> str:
    """The message the last action left at the top of the page (Django messages)."""
    alert = page.locator("main > .alert").first
    alert.wait_for()
    return alert.inner_text().strip()


def status(page) -> str:
    return page.get_by_test_id("status").first.inner_text().strip()


def timeline(page) -> list[str]:
    """The timeline rows as "what → status" lines, oldest first."""
    rows = page.get_by_test_id("timeline").locator("li .fw-bold")
    return [re.sub(r"\s+", " ", text).strip() for text in rows.all_inner_texts()]


def open_from_queue(page, base_url: str, number: str, *, bucket: str = "all") -> None:
    """工作台 → the row with this case number → the case page."""
    page.goto(f"{base_url}/cases/?bucket={bucket}")
    page.get_by_test_id("queue-row").filter(has_text=number).get_by_role("link").click()
    page.get_by_test_id("case-number").filter(has_text=number).wait_for()


def open_action(page, action: str):
    """Unfold an action's form on the staff case page; returns the form."""
    page.get_by_test_id(f"action-{action}").click()
    form = page.locator(f'details[data-action="{action}"] form')
    form.wait_for()
    return form


def submit_action(page, form, label: str) -> None:
    """Press 确认<label> and wait for the page the action leads to."""
    with page.expect_navigation():
        form.get_by_role("button", name=f"确认{label}").click()


# --- Files -------------------------------------------------------------------------------------


def png(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A real (decodable) PNG of one colour, made without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(header: tuple[str, ...], rows: list[list]) -> bytes:
    """A hotline export as the 12345 system writes it: one sheet, a header row, the orders."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
