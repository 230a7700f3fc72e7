"""A person's first visit, in headless chromium against the real server.

Builds the demo with `gonghui demo --no-serve` into a fresh SQLite data folder,
starts `gonghui serve`, logs in as `xian` (password, then the two-factor code that
`gonghui totp xian` prints), opens the tree and a union page,
makes a bad edit and reads the error. Then the start of a working day for each
role (xian, jiceng, sheng, admin), at desktop and phone width: take a to-do from the
home page, act on it (approve, refuse, receive, open a finished export), and see its
count go down; the menu, the union picker and the pager on the way. And a 12351 call
from the city's desk to 锦江区: handed over, accepted from the home page, concluded
and called back on a phone. Screenshots go to screenshots/ (or $GONGHUI_SCREENSHOTS)
for a person to look at.
"""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("GONGHUI_SCREENSHOTS", Path(__file__).parent.parent / "screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
    # The demo and server use their own SQLite folder, so one run covers the browser path.
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs in the SQLite pass"),
]
GONGHUI = [sys.executable, "-m", "gonghui.cli"]
DEMO_ENV = {}  # the demo's environment, for `gonghui totp`


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    env = {**os.environ, "GONGHUI_DATA_DIR": str(data), "GONGHUI_WORKERS": "2"}
    env.pop("DATABASE_URL", None)
    DEMO_ENV.update(env)
    gonghui = GONGHUI
    subprocess.run(
        [*gonghui, "demo", "--no-serve", "--members", "2000"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    log = open(data / "serve.log", "w")  # closed when the server stops
    proc = subprocess.Popen(
        [*gonghui, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.25)
    else:
        proc.terminate()
        pytest.fail("server did not start: " + (data / "serve.log").read_text())
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
        # Anything the CSP blocks is reported to the console, so a test fails on it.
        context.add_init_script(CSP_REPORTER)
        pg = context.new_page()
        outside, errors = [], []
        pg.on("request", lambda r: r.url.startswith(server) or outside.append(r.url))
        pg.on("console", lambda m: console_error(m) and errors.append(f"{pg.url}: {m.text}"))
        pg.on("pageerror", lambda e: errors.append(f"{pg.url}: {e}"))
        yield pg
        assert not outside, f"the page asked for assets from outside: {outside}"
        assert not errors, "console errors or CSP violations:\n" + "\n".join(errors)
        browser.close()


CSP_REPORTER = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                + ` at ${e.sourceFile}:${e.lineNumber}`));"""


def console_error(message):
    # The browser asks for /favicon.ico by itself; the pages name no icon.
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


SESSIONS = {}  # username: cookies of a session that passed both factors


def login(page, server, username):
    """Log in with password and code once per user; later tests reuse that session, as a
    person's browser does, so they do not wait for the next 30-second code."""
    if username in SESSIONS:
        page.context.add_cookies(SESSIONS[username])
        page.goto(f"{server}/")
        if "/login/" not in page.url:
            return
    page.goto(f"{server}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "gonghui-demo")
    page.click("button.primary")
    page.wait_for_load_state()
    # The demo's users log in with two factors: the code their app would show.
    for _ in range(3):
        if "/account/two-factor/" not in page.url:
            break
        code = subprocess.run(
            [*GONGHUI, "totp", username], env=DEMO_ENV, check=True, capture_output=True, text=True
        ).stdout.strip()
        page.fill("#id_otp", code)
        page.click("button.primary")
        page.wait_for_load_state()
        if "/account/two-factor/" in page.url:
            # A code counts once: three logins in one 30-second step wait for the next.
            time.sleep(30 - time.time() % 30 + 1)
    assert "/account/two-factor/" not in page.url, "the two-factor code was refused"
    SESSIONS[username] = page.context.cookies()


def open_menu(page, group, item):
    """Open a page from the top menu as a person does: the group, then its item."""
    page.locator(".menu .group > button", has_text=group).click()
    page.locator(".menu .group.open .drop").get_by_role("link", name=item, exact=True).click()
    page.wait_for_load_state()


def todo_count(page, key):
    return int(page.inner_text(f"[data-todo={key}] .num"))


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_xian_browses_edits_and_reads_the_timeline(page, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, server, "xian")
    page.wait_for_selector(".cards")
    assert "锦江区总工会" in page.inner_text("main h1")
    page.screenshot(path=SHOTS / "home.png", full_page=True)

    open_menu(page, "组织", "工会组织")
    tree = page.locator("#union-tree")
    assert tree.locator("> li").count() == 1  # xian's own county is the only root
    tree.locator("> li > button.toggle").click()
    page.wait_for_selector("#union-tree > li > ul > li")
    children = tree.locator("> li > ul > li")
    assert children.count() > 1
    page.screenshot(path=SHOTS / "tree.png", full_page=True)

    children.locator("a").first.click()
    page.wait_for_selector("dl.facts")
    union_name = page.inner_text("main h1")
    page.click("text=编辑")
    page.fill("#id_name", "")
    page.fill("#id_founded_on", "2999-01-01")
    page.click("button.primary")
    errors = page.inner_text("form.form")
    assert "名称" in errors and "成立日期" in errors
    page.screenshot(path=SHOTS / "edit-error.png", full_page=True)

    page.fill("#id_name", union_name + "（更名）")
    page.fill("#id_founded_on", "2001-05-01")
    page.click("button.primary")
    page.wait_for_selector(".timeline article")
    assert union_name + "（更名）" in page.inner_text("main h1")
    assert union_name in page.inner_text(".timeline")  # the old name, as "before"
    page.screenshot(path=SHOTS / "union.png", full_page=True)


def test_phone_sized_screen(page, server):
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, server, "jiceng")
    page.wait_for_selector(".cards")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the home page scrolls sideways on a phone ({width}px)"
    page.screenshot(path=SHOTS / "phone-home.png", full_page=True)


def test_xian_opens_a_member_and_reveals_the_id_number(page, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, server, "xian")
    page.wait_for_selector(".cards")
    open_menu(page, "会员", "会员名册")
    page.wait_for_selector("table.grid tbody tr")
    page.screenshot(path=SHOTS / "members.png", full_page=True)
    page.locator("table.grid tbody tr td a").first.click()
    page.wait_for_selector("dl.facts")
    masked = page.inner_text("dl.facts dd >> nth=0")
    assert "********" in masked
    page.click("summary >> text=查看完整号码")
    page.select_option("#id_field", "id_number")
    page.fill("#id_reason", "核对会员身份")
    page.click("text=查看 >> nth=-1")
    page.wait_for_selector(".notice")
    whole = page.inner_text(".notice b")
    assert len(whole) == 18 and whole[:6] == masked[:6] and whole[-4:] == masked[-4:]
    page.screenshot(path=SHOTS / "member.png", full_page=True)

    open_menu(page, "会员", "会员关系接转")
    page.wait_for_selector("table.grid")
    page.screenshot(path=SHOTS / "transfers.png", full_page=True)


def test_jiceng_imports_a_roster_and_reads_what_is_wrong(page, server, tmp_path):
    from stdnum.cn import ric

    def make_id(seq):
        body = "510104" + "19900101" + seq
        return body + ric.calc_check_digit(body + "0")

    bad = tmp_path / "春熙路会员名单.csv"
    bad.write_bytes(
        (
            "姓名,身份证号,手机号码,入会时间\r\n"
            f"王小明,{make_id('901')},13911119001,2024/5/1\r\n"
            "李小红,5.10104E+17,13911119002,2024-02-30\r\n"
        ).encode("gb18030")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    login(page, server, "jiceng")
    page.wait_for_selector(".cards")
    page.goto(f"{server}/imports/members/")
    page.set_input_files("#id_file", str(bad))
    page.screenshot(path=SHOTS / "import.png", full_page=True)
    page.click("button.primary")
    # The job page follows the job (the worker beside gunicorn runs it) until it ends.
    page.wait_for_selector("text=下载错误报告", timeout=30_000)
    assert "有误" in page.inner_text("main")
    page.screenshot(path=SHOTS / "import-job.png", full_page=True)
    with page.expect_download() as download:
        page.click("text=下载错误报告")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_public_pages_and_api_docs_work_under_the_csp(page, server):
    """The join page and Swagger UI (its start script from a URL, no inline script or
    style) run under the strict CSP: the page fixture fails on any violation."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    response = page.goto(f"{server}/join/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]
    page.wait_for_selector("form")
    page.goto(f"{server}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.locator(".opblock-summary", has_text="/api/v1/regions/").first.click()
    page.wait_for_selector(".opblock-body .parameters", timeout=10_000)  # rendered by its script
    page.screenshot(path=SHOTS / "api-docs.png")


def test_xian_opens_a_campaign_tree(page, server):
    """The campaign page indents its allocations by CSS class (no inline style)."""
    login(page, server, "xian")
    page.wait_for_selector(".cards")
    open_menu(page, "困难职工帮扶", "帮扶活动")
    # The county's winter allocation, which it passed on to its unions.
    rows = page.locator("table.grid tbody tr", has_text="锦江区总工会")
    rows.filter(has_text="冬送温暖").locator("td a").first.click()
    page.wait_for_selector("td.indent")
    top, child = page.locator("td.indent").nth(0), page.locator("td.indent").nth(1)
    pad = "el => parseFloat(getComputedStyle(el).paddingLeft)"
    assert child.evaluate(pad) > top.evaluate(pad)
    page.screenshot(path=SHOTS / "campaign.png", full_page=True)


# The start of a working day, one role at a time: log in, take a to-do from the home
# page, act on it, come back and see the count go down. At desktop and phone width.
PHONE = {"width": 375, "height": 740}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_xian_approves_a_join_application_from_the_home_page(page, server, phone):
    if phone:
        page.set_viewport_size(PHONE)
    login(page, server, "xian")
    before = todo_count(page, "join_applications")
    assert before > 0
    page.click("[data-todo=join_applications] a")
    page.wait_for_selector("table.grid tbody tr")
    no_sideways_scroll(page)
    # One to another union than jiceng's, whose own queue is jiceng's to work.
    row = page.locator("table.grid tbody tr").filter(has_not_text="成都明腾服装有限公司工会").first
    name = row.locator("td").nth(2).inner_text()
    shot(page, f"xian-applications{'-phone' if phone else ''}")
    row.locator("input[type=checkbox]").check()
    page.click("text=批准所选申请")
    page.wait_for_selector(".messages")
    assert "已批准 1 份申请" in page.inner_text(".messages")
    assert name not in page.inner_text("table.grid tbody")
    page.click(".brand")
    page.wait_for_selector(".todos")
    assert todo_count(page, "join_applications") == before - 1
    no_sideways_scroll(page)
    shot(page, f"xian-home-after{'-phone' if phone else ''}")


def test_jiceng_on_a_phone_refuses_an_application_with_a_reason(page, server):
    page.set_viewport_size(PHONE)
    login(page, server, "jiceng")
    before = todo_count(page, "join_applications")
    assert before > 0
    shot(page, "jiceng-home-phone")
    page.click("[data-todo=join_applications] a")
    row = page.locator("table.grid tbody tr").first
    row.locator("input[name=reason]").fill("非本单位职工")
    row.locator("button", has_text="不通过").click()
    page.wait_for_selector(".messages")
    assert "未予通过" in page.inner_text(".messages")
    page.click("text=未通过")
    assert "非本单位职工" in page.inner_text("table.grid tbody")
    shot(page, "jiceng-refused-phone")
    page.click(".brand")
    after = todo_count(page, "join_applications")
    assert after == before - 1
    if after == 0:  # an empty queue is shown as done, not hidden
        assert "done" in page.get_attribute("[data-todo=join_applications]", "class")


def test_sheng_receives_a_transfer_and_picks_a_union_by_pinyin(page, server):
    login(page, server, "sheng")
    before = todo_count(page, "transfers_to_receive")
    assert before > 0
    page.click("[data-todo=transfers_to_receive] a")
    page.wait_for_selector("table.grid tbody tr")
    shot(page, "sheng-transfers-in")
    page.locator("table.grid tbody tr").first.locator("button", has_text="同意接收").click()
    page.wait_for_selector(".messages")
    page.click(".brand")
    assert todo_count(page, "transfers_to_receive") == before - 1

    # The member roster, narrowed to one county found by its initials.
    open_menu(page, "会员", "会员名册")
    box = page.locator("input[data-picker=union]")
    box.fill("jjq")
    page.wait_for_selector(".picker-list li")
    suggestions = page.inner_text(".picker-list")
    assert "锦江区总工会" in suggestions
    shot(page, "sheng-picker")
    page.locator(".picker-list li", has_text="锦江区总工会").first.click()
    assert box.input_value().isdigit()
    assert "锦江区总工会" in page.inner_text(".picker-name")
    page.click("form.filters button.primary")
    page.wait_for_selector(".pager")
    unions = page.locator("table.grid tbody tr td:nth-child(4)").all_inner_texts()
    assert unions, "the county's members are listed"
    assert "共" in page.inner_text(".pager .count")
    shot(page, "sheng-members-jinjiang")


def test_admin_exports_and_finds_the_finished_job_on_the_home_page(page, server):
    login(page, server, "admin")
    before = todo_count(page, "jobs_finished")
    open_menu(page, "会员", "会员名册")
    page.click("summary >> text=导出")
    page.locator("details.action button.primary").click()
    page.wait_for_url("**/jobs/**")
    page.click(".brand")  # off to something else while the worker exports
    for _ in range(60):
        if todo_count(page, "jobs_finished") == before + 1:
            break
        time.sleep(0.5)
        page.reload()
    assert todo_count(page, "jobs_finished") == before + 1
    page.click("[data-todo=jobs_finished] a")
    page.locator("table.grid tbody tr td a").first.click()
    page.wait_for_selector(".job-end.succeeded")
    shot(page, "admin-export-job")
    page.click(".brand")
    assert todo_count(page, "jobs_finished") == before

    open_menu(page, "系统管理", "用户")
    page.wait_for_selector("table.grid tbody tr")
    assert "xian" in page.inner_text("table.grid tbody")
    shot(page, "admin-users")


def test_the_menu_opens_by_tap_on_a_phone(page, server):
    page.set_viewport_size(PHONE)
    login(page, server, "xian")
    page.locator(".menu .group > button", has_text="困难职工帮扶").click()
    drop = page.locator(".menu .group.open .drop")
    assert drop.is_visible()
    no_sideways_scroll(page)
    shot(page, "xian-menu-phone")
    page.keyboard.press("Escape")
    assert not drop.is_visible()


def test_a_12351_call_is_handed_down_concluded_and_called_back(page, server):
    """The city's 12351 desk (shi) takes down a call of two weeks ago and hands it to 锦江区;
    xian accepts it from the home page, concludes it (ten days ago) and, on a phone, calls
    the caller back today; the to-do count goes down and the timeline tells the story."""
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    login(page, server, "shi")
    open_menu(page, "维权服务", "受理案件")
    page.fill("#id_received_on", (today - dt.timedelta(days=14)).isoformat())
    page.select_option("#id_kind", "complaint")
    page.select_option("#id_subject", "wages")
    page.fill("#id_caller_name", "浏览器来电人")
    page.fill("#id_phone", "13512345678")
    page.fill("#id_employer_name", "锦江区某餐饮管理有限公司")
    page.fill("#id_workers", "4")
    page.fill("#id_amount_claimed", "32000")
    page.fill("#id_request", "四名服务员被拖欠两个月工资。")
    page.click("main button.primary")
    page.wait_for_selector(".messages")
    number = page.inner_text("h1").split()[1]
    assert number.startswith("WQ") and "已受理" in page.inner_text("h1")
    shot(page, "case-taken")
    page.click("summary:has-text('转办')")
    to = page.locator("#id_transfer-to_union option", has_text="锦江区总工会").first
    page.select_option("#id_transfer-to_union", to.get_attribute("value"))
    page.fill("#id_transfer-note", "请核实欠薪情况并协调支付。")
    page.click("form[action$='/transfer/'] button")
    page.wait_for_selector(".messages")
    assert "转办中" in page.inner_text("h1")

    page.context.clear_cookies()  # the next person, at another desk
    login(page, server, "xian")
    before = todo_count(page, "cases_accept")
    assert before >= 1
    page.click("[data-todo=cases_accept] a")
    page.click(f"text={number}")
    page.click("form[action$='/accept/'] button")
    page.wait_for_selector(".messages")
    assert "办理中" in page.inner_text("h1")
    page.click(".brand")
    assert todo_count(page, "cases_accept") == before - 1
    open_menu(page, "维权服务", "维权案件")
    page.fill("input[name=q]", number)
    page.click("form.filters button.primary")
    page.click(f"text={number}")
    page.select_option("#id_conclude-outcome", "resolved")
    page.fill("#id_conclude-answer", "经协调，用人单位已补发全部工资。")
    page.fill("#id_conclude-concluded_on", (today - dt.timedelta(days=10)).isoformat())
    page.fill("#id_conclude-amount_recovered", "32000")
    page.fill("#id_conclude-workers_helped", "4")
    page.click("form[action$='/conclude/'] button")
    page.wait_for_selector(".messages")
    assert "已办结待回访" in page.inner_text("h1")

    page.set_viewport_size(PHONE)
    page.select_option("#id_call-back-satisfaction", "satisfied")
    page.click("form[action$='/call-back/'] button")
    page.wait_for_selector(".messages")
    assert "已结案" in page.inner_text("h1")
    history = page.inner_text(".timeline")
    for step in ("转办至锦江区总工会", "已接收", "满意"):
        assert step in history, step
    no_sideways_scroll(page)
    shot(page, "case-closed-phone")
