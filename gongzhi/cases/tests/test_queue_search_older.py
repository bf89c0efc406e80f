"""搜索更早的诉求: free text is searched among the SEARCH_WINDOW cases recorded last, and from
there, window by window, among those recorded before, so that every case can be found by its
text while each request reads at most one window. The search box says, with dates, which cases
it searched; the counts beside the page (「全部」中有 n 条, 仅看已超时) and the S9 check read the
same window; a case number is still found among all cases."""

import datetime as dt
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongzhi.cases import queue_selectors, selectors
from gongzhi.cases.choices import Channel
from gongzhi.cases.models import Case
from gongzhi.cases.tests.test_confidentiality_text import _complaint_dispatched_to_x
from gongzhi.org.testing import PASSWORD

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=SH)
OLD = dt.datetime(2025, 3, 2, 9, 0, tzinfo=SH)
OVERDUE = re.compile(r'data-testid="overdue-count"( hx-swap-oob="true")?>([^<]*)</span>')


class _Page(HTMLParser):
    """What a person sees and clicks on the queue page: rows, links, the filter form's fields."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}  # data-testid → href
        self.hidden: dict[str, str] = {}  # hidden inputs of the filter form
        self.scope = ""  # the text under the search box
        self._depth_in_scope = 0
        self._in_filters = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form" and attrs.get("data-testid") == "queue-filters":
            self._in_filters = True
        elif tag == "form":
            self._in_filters = False
        if tag == "a" and attrs.get("data-testid"):
            self.links[attrs["data-testid"]] = attrs["href"]
        hidden = tag == "input" and attrs.get("type") == "hidden"
        if hidden and attrs.get("name") in ("before", "before_q"):
            # In the filter form, or sent out of band beside the results (htmx).
            if self._in_filters or self._depth_in_scope:
                self.hidden[attrs["name"]] = attrs["value"]
        if tag == "div" and (self._depth_in_scope or attrs.get("data-testid") == "search-scope"):
            self._depth_in_scope += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_filters = False
        if tag == "div" and self._depth_in_scope:
            self._depth_in_scope -= 1

    def handle_data(self, data: str) -> None:
        if self._depth_in_scope:
            self.scope += data.strip()


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _get(client: Client, url: str, params: dict | None = None, **headers) -> tuple[str, _Page]:
    response = client.get(url, params or {}, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    return html, _Page(html)


def _follow(client: Client, href: str, **headers) -> tuple[str, _Page]:
    assert href.startswith("?")
    return _get(client, "/cases/" + href.replace("&amp;", "&"), **headers)


def _overdue_label(html: str) -> str:
    return OVERDUE.search(html).group(2).strip(" ()")


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def street(now, make, personas, monkeypatch) -> dict[str, Case]:
    """Five cases, windows of two: [new, newest], [mid, mid2], [old]. The old one, of March
    last year, is overdue (dispatched then, never resolved)."""
    with time_machine.travel(OLD, tick=False):
        old = make.dispatched(title="电梯异响", content="3栋电梯运行时异响")
    cases = {
        "old": old,
        "mid": make.received(title="门禁坏了", created_at=NOW - dt.timedelta(days=40)),
        "mid2": make.received(title="楼道灯不亮", created_at=NOW - dt.timedelta(days=30)),
        "new": make.received(title="草坪修剪", created_at=NOW - dt.timedelta(days=1)),
        "newest": make.received(title="垃圾清运"),
    }
    assert [c.pk for c in cases.values()] == sorted(c.pk for c in cases.values())
    assert selectors.is_overdue(old, NOW)
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 2)
    return cases


def test_an_old_case_is_found_by_its_text_through_earlier_windows(street, personas) -> None:
    old = street["old"]
    client = _client(personas.community_worker)
    html, page = _get(client, "/cases/", {"q": "电梯"})
    assert old.number not in html  # not among the two cases recorded last
    assert "文字搜索 2026年11月29日—11月30日 受理的诉求（每次最多 2 条）" in page.scope
    assert "search-newest" not in page.links  # already the newest
    # 搜索更早的诉求: the two before them (not yet the old one), then the one before those.
    html, page = _follow(client, page.links["search-older"])
    assert old.number not in html
    assert "文字搜索 2026年10月21日—10月31日 受理的诉求" in page.scope
    html, page = _follow(client, page.links["search-older"])
    assert old.number in html and "电梯异响" in html
    assert "文字搜索 2025年3月2日 受理的诉求" in page.scope
    assert "search-older" not in page.links  # nothing older is left
    # 最新的诉求: back to the cases recorded last, the search as it was.
    html, page = _follow(client, page.links["search-newest"])
    assert old.number not in html and "search-newest" not in page.links
    assert "2026年11月29日—11月30日" in page.scope


def test_the_links_keep_the_other_filters_and_start_from_the_first_page(street, personas):
    client = _client(personas.community_worker)
    params = {"q": "电梯", "bucket": "all", "channel": Channel.HOTLINE_12345, "page": "2"}
    _html, page = _get(client, "/cases/", params)
    older = page.links["search-older"]
    assert f"before={street['new'].pk}" in older and "before_q=%E7%94%B5%E6%A2%AF" in older
    assert "bucket=all" in older and "channel=hotline_12345" in older and "q=" in older
    assert "page=" not in older
    _html, page = _follow(client, older)
    newest = page.links["search-newest"]
    assert "before" not in newest and "page=" not in newest and "bucket=all" in newest


def test_tabs_pages_and_htmx_updates_stay_in_the_older_window(street, personas) -> None:
    old = street["old"]
    client = _client(personas.community_worker)
    before = street["mid"].pk
    html, page = _get(client, "/cases/", {"q": "电梯", "before": before})
    assert old.number in html
    # The tabs are the filter form's radio buttons: the window goes with them, hidden.
    assert page.hidden == {"before": str(before), "before_q": "电梯"}
    html, _page = _get(client, "/cases/", {"q": "电梯", "bucket": "all", **page.hidden})
    assert old.number in html
    # An htmx update of the results sends the hint and the hidden fields out of band.
    html, page = _get(
        client, "/cases/", {"q": "电梯", "bucket": "all", **page.hidden}, HX_Request="true"
    )
    assert html.lstrip().startswith('<div id="queue-results">')
    assert old.number in html
    assert 'id="search-scope" data-testid="search-scope" hx-swap-oob="true"' in html
    assert page.hidden == {"before": str(before), "before_q": "电梯"}
    assert "2025年3月2日" in page.scope and "search-newest" in page.links
    # Another search (the form still holds the hidden window) starts from the newest cases.
    html, page = _get(
        client, "/cases/", {"q": "异响", "bucket": "all", **page.hidden}, HX_Request="true"
    )
    assert old.number not in html and page.hidden == {}
    assert "search-newest" not in page.links and "2026年11月29日" in page.scope
    # So does clearing the box: no text, no window.
    html, page = _get(client, "/cases/", {"q": "", "bucket": "all", "before": before})
    assert page.hidden == {} and "search-older" not in page.links


def test_the_pager_keeps_the_window(now, make, personas, monkeypatch) -> None:
    old = [make.received(title=f"电梯异响{i}") for i in range(21)]
    make.received(title="门禁坏了")
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 1)
    client = _client(personas.street_officer)
    html, page = _get(client, "/cases/", {"q": "电梯", "bucket": "all"})
    assert "电梯异响" not in html
    html, page = _follow(client, page.links["search-older"])
    assert "电梯异响20" in html  # the case before the newest: a window of one
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 21)
    html, page = _get(client, "/cases/", {"q": "电梯", "bucket": "all", "before": old[-1].pk + 1})
    assert "第 1 / 2 页" in html
    following = re.search(r'href="(\?[^"]*page=2)"', html).group(1)
    assert f"before={old[-1].pk + 1}" in following
    second, _page = _follow(client, following)
    assert "第 2 / 2 页" in second
    listed = {case.number for case in old if case.number in html or case.number in second}
    assert len(listed) == 21  # the window's every match, on one page or the other


def test_the_counts_beside_the_page_read_the_same_window(street, personas) -> None:
    old = street["old"]
    client = _client(personas.community_worker)
    # The newest window: the search finds nothing, so nothing is late and 全部 has nothing.
    html, page = _get(client, "/cases/", {"q": "电梯", "bucket": "closed"})
    assert "search-elsewhere" not in page.links
    assert _overdue_label(html) in ("", "0")
    tabs = re.findall(r'badge text-bg-light">([^<]*)<', html)
    # The window before the one before: 已结束 has nothing, 全部 has the old case, it is late.
    params = {"q": "电梯", "bucket": "closed", "before": street["mid"].pk}
    html, page = _get(client, "/cases/", params)
    assert old.number not in html
    assert re.findall(r'badge text-bg-light">([^<]*)<', html) == tabs  # by tab, not by text
    assert "「全部」中有 1 条匹配" in html
    html, page = _follow(client, page.links["search-elsewhere"])
    assert old.number in html and page.hidden["before"] == str(street["mid"].pk)
    assert _overdue_label(html) == "1"
    html, _page = _get(client, "/cases/", {**params, "bucket": "all", "overdue": "on"})
    assert old.number in html and _overdue_label(html) == "1"
    # The selectors count what the page lists.
    filters = {"q": "电梯", "before": street["mid"].pk, "bucket": None}
    officer = personas.street_officer
    assert selectors.queue_count(officer, **filters) == 1
    assert list(selectors.case_queue(officer, **filters)) == [old]
    assert selectors.queue_count(officer, **{**filters, "before": None}) == 0


def test_a_case_number_is_found_whatever_the_window(street, personas) -> None:
    client = _client(personas.community_worker)
    for case in (street["newest"], street["old"]):
        html, page = _get(client, "/cases/", {"q": case.number, "before": street["mid"].pk})
        assert case.number in html
        # No window is searched, so none is named or offered.
        assert "search-older" not in page.links and "search-newest" not in page.links
        assert page.hidden == {} and "受理的诉求" not in page.scope
    assert list(selectors.case_queue(personas.street_officer, q=street["newest"].number,
                                     before=street["mid"].pk)) == [street["newest"]]  # fmt: skip


@pytest.mark.parametrize("before", ["abc", "-3", "0", "1.5", "9" * 30, ""])
def test_a_bad_window_is_ignored(street, personas, before) -> None:
    client = _client(personas.community_worker)
    html, page = _get(client, "/cases/", {"q": "垃圾", "before": before})
    assert street["newest"].number in html  # the newest window, as without it
    assert page.hidden == {} and "search-newest" not in page.links
    assert "2026年11月29日—11月30日" in page.scope


def test_the_whole_table_in_one_window_has_no_older_link(street, personas, monkeypatch) -> None:
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 5)
    client = _client(personas.community_worker)
    html, page = _get(client, "/cases/", {"q": "电梯"})
    assert street["old"].number in html
    assert "文字搜索最近 5 条诉求；输入编号可查全部" in page.scope
    assert "search-older" not in page.links and "search-newest" not in page.links


def test_a_company_finds_no_case_by_what_it_may_not_see_in_an_older_window(
    now, make, personas, monkeypatch
) -> None:
    p = personas
    case = _complaint_dispatched_to_x(p)  # 张三 of 1单元101, 138-1234-1234, about 楼道保洁
    newer = [make.dispatched(title="草坪修剪") for _ in range(2)]
    monkeypatch.setattr(queue_selectors, "SEARCH_WINDOW", 2)
    before = newer[0].pk
    company = _client(p.property_a)
    html, page = _get(company, "/cases/", {"q": "楼道保洁", "bucket": "all"})
    assert case.number not in html
    html, page = _follow(company, page.links["search-older"])
    assert case.number in html  # what the company sees of it, found in the older window
    for term in ("张三", "138-1234", "1单元101"):
        params = {"q": term, "bucket": "all", "before": before}
        html, page = _get(company, "/cases/", params)
        assert case.number not in html and "search-elsewhere" not in page.links
        assert selectors.queue_count(p.property_a, q=term, before=before) == 0
        assert list(selectors.case_queue(p.property_a, q=term, before=before)) == []
        # Whoever may see the requester finds it by that too.
        assert list(selectors.case_queue(p.community_worker, q=term, before=before)) == [case]


def test_a_search_with_a_filing_day_reads_that_whole_day_however_old(street, personas) -> None:
    """受理日期 + text: every case filed that day, not a window of the newest (an old day's
    search needs no 搜索更早的诉求); a `before` left in the form changes nothing."""
    old = street["old"]
    client = _client(personas.community_worker)
    for before in ("", str(street["mid"].pk)):
        params = {"q": "电梯", "bucket": "all", "filed": "2025-03-02", "before": before}
        html, page = _get(client, "/cases/", params)
        assert old.number in html and "电梯异响" in html
        assert "文字搜索 2025年3月2日 受理的全部诉求" in page.scope
        assert "search-older" not in page.links and "search-newest" not in page.links
        assert page.hidden == {}
    # Another day, or another text, finds nothing; without the day the old case is out of reach.
    html, _page = _get(client, "/cases/", {"q": "电梯", "bucket": "all", "filed": "2025-03-03"})
    assert old.number not in html
    html, _page = _get(client, "/cases/", {"q": "门禁", "bucket": "all", "filed": "2025-03-02"})
    assert old.number not in html
    assert old.number not in _get(client, "/cases/", {"q": "电梯", "bucket": "all"})[0]
    assert selectors.queue_count(personas.community_worker, q="电梯", filed=OLD.date()) == 1
