"""Browser journeys through the closed loop 研交办督结评, as the people who live it click them.

Everything a person does here is a click or a form fill in Chromium; only the clock is moved
from the test (the SLA sweep with a later `now`, and the server's clock for "overdue in red"),
as the scheduler and the passing of days would. Screenshots of each step go to
test-artifacts/screenshots/ (desktop 1366×900, phone 390×844 where the person is on a phone).
"""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.cases import services, sweeps, triage_link
from gongzhi.cases.imports import COLUMNS
from gongzhi.cases.models import Case
from gongzhi.cases.sla import ensure_default_policies
from gongzhi.core.calendar import local_zone
from gongzhi.org.testing import Personas
from tests.browser.steps import (
    RED,
    XLSX,
    flash,
    open_action,
    open_from_queue,
    png,
    sign_in,
    status,
    submit_action,
    timeline,
    upload,
    xlsx,
)

pytestmark = [pytest.mark.browser]

ELEVATOR = "1栋1单元的电梯这周已经停运三次，老人上下楼很不方便，请物业尽快维修电梯。"


def looks_right(page, problems, *, phone: bool = False) -> None:
    """Nothing failed to load, no script error, no English left in the Chinese page, nothing
    wider than a phone's screen."""
    assert problems.failed == [], problems.failed
    assert problems.console_errors == [], problems.console_errors
    assert english_words(page) == []
    if phone:
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"


def forget_refusal(problems, path: str) -> None:
    """The page answered a refused form with 400 on purpose; nothing else may have failed."""
    assert len(problems.failed) == 1, problems.failed
    assert problems.failed[0].startswith("400 ") and problems.failed[0].endswith(path)
    assert len(problems.console_errors) == 1 and "400 (Bad Request)" in problems.console_errors[0]
    problems.failed.clear()
    problems.console_errors.clear()


# Latin words a Chinese page may show: file formats, and the language switch's own name.
LATIN_OK = {"PDF", "Excel", "xlsx", "English"}


def english_words(page) -> list[str]:
    """Latin words in the visible text of the Chinese page; codes with digits (case numbers
    NH2026…, order numbers GD-1001, the AI model's version) are not words."""
    text = page.locator("body").inner_text()
    tokens = re.findall(r"[A-Za-z0-9_.-]+", text)
    return [t for t in tokens if re.fullmatch(r"[A-Za-z]{3,}", t) and t not in LATIN_OK]


@pytest.fixture(scope="module", autouse=True)
def _ai_grid_worker_loaded() -> None:
    """The AI grid worker loads its model on first use, which takes seconds on a busy machine: a
    running server has done so long before the first resident files; so do we."""
    triage_link.suggest("电梯坏了，请物业维修")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _sla_policies(transactional_db) -> None:
    """A transactional test run earlier in this process may have flushed the default SLA
    policies (data-migration rows); the street has them configured."""
    ensure_default_policies()


def test_a_demand_goes_round_the_loop_and_a_bad_rating_reopens_it(
    live_server, personas: Personas, open_page, shots, media
) -> None:
    url = live_server.url

    # 1. The resident files from the phone: text, a photo, the unit, public.
    resident, resident_problems = open_page(phone=True)
    sign_in(resident, url, "resident_a")
    resident.get_by_test_id("home-cases").get_by_role("link", name="我要反映").click()
    form = resident.get_by_test_id("report-form")
    form.wait_for()
    form.get_by_label("诉求类型").select_option(label="投诉")
    form.get_by_label("反映内容").fill(ELEVATOR)
    form.get_by_label("涉及位置").select_option(label="A小区 1栋 1单元101（我家）")
    form.get_by_label("照片").set_input_files(upload("电梯.png", png(), "image/png"))
    form.get_by_label("可以公开").check()
    shots.take(resident, "1-resident-fills-the-form-phone")
    with resident.expect_navigation():
        form.get_by_role("button", name="提交").click()

    number = resident.get_by_test_id("case-number").inner_text().strip()
    assert re.fullmatch(r"[A-Z]+\d{8,}", number), number  # e.g. NH202611300001
    assert flash(resident) == f"您的诉求已受理，编号 {number}"
    assert status(resident) == "已受理"
    assert resident.get_by_test_id("attachments").locator("img").count() == 1
    assert timeline(resident) == ["受理"]
    shots.take(resident, "1-resident-sees-the-case-number-phone")
    looks_right(resident, resident_problems, phone=True)
    case = Case.objects.get(number=number)
    assert case.is_public and case.unit == personas.unit_a

    # 我的诉求 lists it.
    resident.locator("nav[aria-label=breadcrumb]").get_by_role("link", name="我的诉求").click()
    resident.get_by_test_id("my-cases").get_by_text(number).wait_for()
    shots.take(resident, "1-resident-my-cases-phone")

    # 2. The community worker assesses with the AI grid worker's suggestion and dispatches.
    worker, worker_problems = open_page()
    sign_in(worker, url, "community_worker")
    open_from_queue(worker, url, number, bucket="todo")
    card = worker.get_by_test_id("ai-suggestion")
    assert "电梯" in card.get_by_test_id("ai-category").inner_text()
    assert re.search(r"置信度 \d+%", card.inner_text())
    terms = card.locator(".badge").all_inner_texts()
    assert terms and any(t in ELEVATOR for t in terms), terms
    shots.take(worker, "2-worker-sees-the-ai-suggestion")
    with worker.expect_navigation():
        card.get_by_test_id("ai-accept").click()
    assert flash(worker) == "已研判"
    assert status(worker) == "已研判"

    # A deadline later than the property-class rule allows (24 h) is refused, in Chinese.
    form = open_action(worker, "dispatch")
    form.get_by_label("责任层级").select_option(label="物业（小区）")
    form.get_by_label("物业企业").select_option(label="测试物业X有限公司")
    too_late = (timezone.now() + dt.timedelta(days=3)).astimezone(local_zone())
    form.get_by_label("办理期限").fill(too_late.strftime("%Y-%m-%dT%H:%M"))
    submit_action(worker, form, "交办")
    refused = worker.locator('details[data-action="dispatch"][open]')
    assert refused.get_by_test_id("field-error").inner_text() == (
        "办理期限须晚于现在且不晚于时限规则规定的期限"
    )
    assert status(worker) == "已研判"
    forget_refusal(worker_problems, "/dispatch")

    form = refused.locator("form")
    deadline = (timezone.now() + dt.timedelta(hours=20)).astimezone(local_zone())
    deadline = deadline.replace(second=0, microsecond=0)
    form.get_by_label("办理期限").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("交办说明").fill("请今天安排维保单位检修")
    shots.take(worker, "2-worker-dispatches-with-a-deadline")
    submit_action(worker, form, "交办")
    assert flash(worker) == "已交办"
    assert status(worker) == "已交办"
    clock = worker.get_by_test_id("sla-clock").inner_text()
    assert f"办理期限：{deadline:%Y-%m-%d %H:%M}" in clock
    assert "测试物业X有限公司" in worker.locator("dl").first.inner_text()
    shots.take(worker, "2-worker-has-dispatched")
    looks_right(worker, worker_problems)

    # 3. The property company's staff, on site with a phone, accept, handle and resolve it
    # with a public reply and a photo of the repair.
    company, company_problems = open_page(phone=True)
    sign_in(company, url, "property_a")
    open_from_queue(company, url, number, bucket="todo")
    assert "张三" not in company.content()  # a complaint: the company never learns who
    company.get_by_test_id("jump-to-actions").click()  # on a phone the actions are far below
    expect(company.locator("#actions")).to_be_in_viewport()
    submit_action(company, open_action(company, "accept"), "签收")
    assert status(company) == "已签收"
    submit_action(company, open_action(company, "start"), "开始办理")
    assert status(company) == "办理中"
    form = open_action(company, "resolve")
    form.get_by_label("公开答复").fill("已联系电梯维保单位更换控制板，电梯已恢复运行。")
    form.get_by_label("处置说明").fill("维保单位：某某电梯公司")
    evidence = upload("维修.png", png(rgb=(40, 120, 60)), "image/png")
    form.get_by_label("处置凭证").set_input_files(evidence)
    shots.take(company, "3-company-resolves-phone")
    submit_action(company, form, "处置完毕")
    assert flash(company) == "已处置完毕"
    assert status(company) == "已处置待回访"
    shots.take(company, "3-company-has-resolved-phone")
    looks_right(company, company_problems, phone=True)

    # 5. The resident reads the reply, rates 不满意, and the case reopens.
    resident.goto(f"{url}/cases/{case.pk}/")
    assert "电梯已恢复运行" in resident.get_by_test_id("public-reply").inner_text()
    assert timeline(resident) == [  # the internal 研判 is not the resident's to read
        "受理",
        "交办 → 已交办",
        "签收 → 已签收",
        "开始办理 → 办理中",
        "处置完毕 → 已处置待回访",
    ]
    rating = resident.get_by_test_id("rate-form")
    rating.get_by_label("未解决").check()
    rating.get_by_label("不满意", exact=True).check()
    rating.get_by_label("意见").fill("电梯昨天又停了")
    shots.take(resident, "5-resident-rates-phone")
    with resident.expect_navigation():
        rating.get_by_role("button", name="提交评价").click()
    assert flash(resident) == "已回访评价：问题未解决，诉求已重新办理，请留意办理进度。"
    assert status(resident) == "重新交办中"  # the resident's words, not the desk's 重办
    assert timeline(resident)[-2:] == ["处置完毕 → 已处置待回访", "重新办理 → 重新交办中"]
    assert "第 1 轮：未解决，不满意" in resident.get_by_test_id("ratings").inner_text()
    shots.take(resident, "5-resident-sees-it-reopened-phone")
    looks_right(resident, resident_problems, phone=True)

    # The community worker finds it back in 待我处理, reopened.
    worker.goto(f"{url}/cases/?bucket=todo")
    row = worker.get_by_test_id("queue-row").filter(has_text=number)
    assert "重办" in row.inner_text()
    shots.take(worker, "5-worker-queue-after-reopening")


def intake(page, url: str, *, channel: str, content: str, name: str, phone: str) -> str:
    """工作台 → 登记诉求: a demand received at the desk or by a grid worker; returns its number."""
    page.goto(f"{url}/cases/")
    page.get_by_role("link", name="登记诉求").click()
    form = page.get_by_test_id("intake-form")
    form.get_by_label("来源渠道").select_option(label=channel)
    form.get_by_label("小区").select_option(label="A小区")
    form.get_by_label("楼栋/房号/位置").fill("3栋楼下")
    form.get_by_label("诉求内容").fill(content)
    form.get_by_label("诉求人姓名").fill(name)
    form.get_by_label("联系电话").fill(phone)
    with page.expect_navigation():
        form.get_by_role("button", name="登记").click()
    number = page.get_by_test_id("case-number").inner_text().strip()
    assert flash(page) == f"诉求已登记，编号 {number}"
    return number


def test_an_overdue_case_escalates_and_the_street_sees_it_in_red(
    live_server, personas: Personas, open_page, shots, media
) -> None:
    url = live_server.url
    worker, worker_problems = open_page()
    sign_in(worker, url, "community_worker")
    late = intake(
        worker,
        url,
        channel="来访",
        content="3栋楼下的垃圾桶已经两天没有清运，气味很大，请物业安排清运。",
        name="王五",
        phone="13700001111",
    )
    calm = intake(
        worker,
        url,
        channel="网格员",
        content="建议在小区门口增设快递柜。",
        name="赵六",
        phone="13700002222",
    )
    # The calm one is assessed (研判) in time, by the community, so no clock of it runs out.
    services.case_assess(
        case=Case.objects.get(number=calm),
        actor=personas.community_worker,
        category="other",
        sla_class="general",
        urgency="normal",
    )
    open_from_queue(worker, url, late)
    with worker.expect_navigation():
        worker.get_by_test_id("ai-accept").click()
    form = open_action(worker, "dispatch")
    form.get_by_label("物业企业").select_option(label="测试物业X有限公司")
    submit_action(worker, form, "交办")
    assert status(worker) == "已交办"
    case = Case.objects.get(number=late)
    assert case.assigned_level == "compound" and case.due_at is not None

    # 4. The company lets the deadline pass; the scheduler's sweep, ten minutes later, records
    # the missed 签收 and escalates the case one level up: the community now has it, with its
    # own deadline.
    assert sweeps.run_all(case.due_at + dt.timedelta(minutes=10)) == 2
    worker.reload()
    assert worker.get_by_test_id("escalated").inner_text() == "超时升级至社区"
    assert "已升级 1 级" in worker.get_by_test_id("sla-clock").inner_text()
    assert timeline(worker)[-2:] == ["超时", "升级"]
    shots.take(worker, "4-community-sees-the-escalation")
    worker.goto(f"{url}/cases/?bucket=todo")
    row = worker.get_by_test_id("queue-row").filter(has_text=late)
    assert "超时升级至社区" in row.inner_text()
    shots.take(worker, "4-community-queue")
    looks_right(worker, worker_problems)

    # 6. The community misses its deadline too. Two hours later (before the next sweep) the
    # street officer opens the queue: the case is overdue, in red; the filters narrow it down.
    case.refresh_from_db()
    with time_machine.travel(case.due_at + dt.timedelta(hours=2, minutes=1), tick=True):
        officer, officer_problems = open_page()
        sign_in(officer, url, "street_officer")
        officer.goto(f"{url}/cases/?bucket=open")
        rows = officer.get_by_test_id("queue-row")
        rows.filter(has_text=calm).wait_for()
        row = rows.filter(has_text=late)
        clock = row.get_by_test_id("clock")
        assert clock.inner_text().startswith("已超时 2 小时")
        assert clock.evaluate("e => getComputedStyle(e).color") == RED
        assert "border-danger" in row.get_attribute("class")
        shots.take(officer, "6-street-queue-overdue-in-red")

        filters = officer.get_by_test_id("queue-filters")
        filters.get_by_label("仅看已超时").check()
        officer.wait_for_url("**overdue=on**")
        rows.filter(has_text=calm).wait_for(state="detached")
        assert rows.count() == 1 and late in rows.first.inner_text()
        # The number beside 仅看已超时 follows the other filters (htmx swaps it out of band).
        count = filters.get_by_test_id("overdue-count")
        filters.locator("select[name=channel]").select_option(label="网格员")
        officer.wait_for_url("**channel=grid_worker**")
        officer.get_by_text("没有符合条件的诉求。").wait_for()
        expect(count).to_have_text("(0)")
        filters.locator("select[name=channel]").select_option(label="来访")
        officer.wait_for_url("**channel=visit**")
        rows.filter(has_text=late).wait_for()
        expect(count).to_have_text("(1)")
        shots.take(officer, "6-street-queue-filtered")
        looks_right(officer, officer_problems)

        # The next sweep hands it to the street: it is now the officer's own to do.
        assert sweeps.run_all(timezone.now()) == 1
        officer.goto(f"{url}/cases/?bucket=todo")
        row = officer.get_by_test_id("queue-row").filter(has_text=late)
        assert "超时升级至街道" in row.inner_text()
        officer.get_by_role("link", name=re.compile(late)).click()
        officer.get_by_test_id("case-number").wait_for()
        assert "已升级 2 级" in officer.get_by_test_id("sla-clock").inner_text()
        shots.take(officer, "6-street-opens-the-case")
        looks_right(officer, officer_problems)


# A 12345 export, one work order a line, in the columns of `imports.COLUMNS`.
HOTLINE_EXPORT = """
GD-1001|2026-11-28 09:30|12345热线|投诉|A小区2栋电梯噪音大|A小区2栋|赵六|13600001111|2026-12-05
GD-1002|2026-11-28 10:05|12345热线|求助|B小区门口路灯不亮|B小区南门|||
GD-1003|2026-11-28 11:40|阳光信访|建议|建议C小区增设电动车充电桩|宝安路3号C小区|孙七|13600003333|
GD-1004|昨天上午|12345热线|投诉||不存在的小区||abc|
GD-1005|2026-11-29 08:15|12345热线|咨询|A小区物业费收费标准是多少|A小区|周八|13600005555|
GD-1006|2026-11-29 09:00|微信|吐槽|B小区垃圾分类点太脏|B小区1栋旁|||
"""
# What the street's desk corrects after reading the error list (lines 5 and 7 of the sheet).
CORRECTIONS = {
    "GD-1004": "GD-1004|2026-11-28 15:20|12345热线|投诉|A小区楼道堆放杂物|A小区1栋||13600004444|",
    "GD-1006": "GD-1006|2026-11-29 09:00|12345热线|投诉|B小区垃圾分类点太脏|B小区1栋旁|||",
}


def hotline_rows(*, fixed: bool) -> list[list[str]]:
    lines = HOTLINE_EXPORT.strip().splitlines()
    if fixed:
        lines = [CORRECTIONS.get(line.split("|")[0], line) for line in lines]
    return [line.split("|") for line in lines]


def test_a_hotline_file_with_bad_rows_is_refused_then_the_corrected_file_imports(
    live_server, personas: Personas, open_page, shots, media
) -> None:
    url = live_server.url
    page, problems = open_page()
    sign_in(page, url, "community_worker")
    page.goto(f"{url}/cases/")
    page.get_by_role("link", name="导入12345工单").click()
    page.get_by_role("heading", name="导入12345热线工单").wait_for()

    # 7. A file with mistakes: every bad row is listed in Chinese, nothing is imported.
    bad = upload("12345工单导出.xlsx", xlsx(COLUMNS, hotline_rows(fixed=False)), XLSX)
    page.get_by_label("工单 Excel 文件").set_input_files(bad)
    with page.expect_navigation():
        page.get_by_role("button", name="导入").click()
    errors = page.get_by_test_id("import-errors")
    text = errors.inner_text()
    assert "文件有误，未导入任何工单" in text
    lines = errors.locator("li").all_inner_texts()
    assert lines == [
        "第 5 行「诉求内容」：不能为空",
        "第 5 行「受理时间」：时间格式应为 2026-11-29 09:30",
        "第 5 行「联系电话」：格式不正确：应为一个电话号码，7 到 20 位，只含数字、空格、“-”或“+”，"
        "例如 13812345678 或 027-87654321",
        "第 5 行「诉求地址」：未匹配到小区（地址中应包含小区名称）",
        "第 7 行「来源渠道」：无法识别的渠道「微信」",
        "第 7 行「诉求类型」：无法识别的类型「吐槽」",
    ]
    assert Case.objects.count() == 0
    shots.take(page, "7-import-errors")
    forget_refusal(problems, "/cases/import/")

    # The corrected file imports all six, and the page leads on to the queue.
    good = upload("12345工单导出-修正.xlsx", xlsx(COLUMNS, hotline_rows(fixed=True)), XLSX)
    page.get_by_label("工单 Excel 文件").set_input_files(good)
    with page.expect_navigation():
        page.get_by_role("button", name="导入").click()
    result = page.get_by_test_id("import-result").inner_text()
    assert "已导入 6 件工单，跳过已存在的 0 件。" in result
    assert page.get_by_test_id("import-errors").count() == 0
    assert Case.objects.filter(external_order_no__startswith="GD-").count() == 6
    shots.take(page, "7-import-done")

    # The cases wait in 待我处理, from the hotline, with their order numbers on the case page.
    page.get_by_test_id("import-next").click()
    page.wait_for_url("**/cases/?bucket=todo")
    filters = page.get_by_test_id("queue-filters")
    filters.locator("select[name=channel]").select_option(label="12345热线")
    page.wait_for_url("**channel=hotline_12345**")
    rows = page.get_by_test_id("queue-row")
    rows.filter(has_text="B小区垃圾分类点太脏").wait_for()
    titles = rows.all_inner_texts()
    assert len(titles) == 5, titles  # GD-1003 came from 阳光信访
    for content in ("A小区2栋电梯噪音大", "B小区门口路灯不亮", "A小区楼道堆放杂物"):
        assert any(content in t for t in titles), content
    shots.take(page, "7-imported-cases-in-the-queue")
    rows.filter(has_text="A小区2栋电梯噪音大").get_by_role("link").click()
    page.get_by_test_id("case-number").wait_for()
    assert "外部工单 GD-1001" in page.locator("main").inner_text()
    shots.take(page, "7-imported-case")
    looks_right(page, problems)

    # The same export imported again (a second download of the day) adds nothing.
    page.get_by_role("link", name="工作台").first.click()
    page.get_by_role("link", name="导入12345工单").click()
    page.get_by_label("工单 Excel 文件").set_input_files(good)
    with page.expect_navigation():
        page.get_by_role("button", name="导入").click()
    result = page.get_by_test_id("import-result").inner_text()
    assert "已导入 0 件工单，跳过已存在的 6 件。" in result
    assert page.get_by_test_id("import-next").count() == 0  # nothing new to work on
    assert Case.objects.count() == 6
