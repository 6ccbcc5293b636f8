"""The page tests: the whole system as processes, Debian's Chromium driven by Playwright, each
page looked at (screenshots under tests/artefacts/web/, other hosts, axe-core, 360 px)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import _drop
from tests.support import Namespace
from tests.web.browser import DESKTOP, Looker
from tests.web.node import axe_source
from tests.web.system import PASSWORD, WebSystem

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def web_ns(servers: tuple[str, str]) -> Iterator[Namespace]:
    pg_dsn, nats_url = servers
    uid = uuid.uuid4().hex[:10]
    namespace = Namespace(pg_dsn=pg_dsn, nats_url=nats_url, db_prefix=f"w{uid}_", subject_root=f"w{uid}",
                          stream=f"W{uid}")
    yield namespace
    asyncio.run(_drop(namespace))


@pytest.fixture(scope="session")
def system(web_ns: Namespace) -> Iterator[WebSystem]:
    base = Path(tempfile.mkdtemp(prefix="tdkt-web-"))
    running = WebSystem(web_ns, base).start()
    running.register_units()
    yield running
    running.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def axe() -> str:
    return axe_source()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium fonts-liberation2 (.ci/run does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser, axe: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Looker]]:
    """A fresh browser (own cookies) per person in the test: `open_page("clerk")`."""
    contexts = []

    def make(who: str = "") -> Looker:
        context = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        contexts.append(context)
        story = f"{request.node.name}{'-' + who if who else ''}"
        return Looker(context.new_page(), story, axe)

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)
