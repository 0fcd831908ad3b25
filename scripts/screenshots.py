"""Take screenshots of m2c pages with demo data, in Chinese or English.

    python scripts/screenshots.py [--lang zh-hans] [--user mkt.zhou] NAME=PATH[@USER][#WIDTHxHEIGHT] ...
    python scripts/screenshots.py --docs          the set shown in README.md (homes per role, lead edit,
                                                  import dry run, phone layout), in Chinese

Builds a throw-away SQLite database with the demo data (unless --database-url is given), serves it,
signs in through the login form as each user named (``@USER``, default ``--user``), switches the
language and saves ``docs/img/NAME.png`` per page. ``#390x844`` takes it at that viewport (a phone).
PATH may be ``lead-edit`` (the first lead's edit form), ``import-dry-run`` (uploads a small Chinese
file and runs the dry run) or ``menu:PATH`` (PATH with the off-canvas menu opened). Needs Chromium at
/usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help="NAME=PATH[@USER][#WIDTHxHEIGHT]")
    parser.add_argument("--docs", action="store_true", help="take the set of README.md")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--user", default="mkt.zhou")
    parser.add_argument("--password", default="m2c-demo-2026")
    parser.add_argument("--database-url")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()
    if args.docs:
        args.pages = [*DOCS, *args.pages]
    if not args.pages:
        parser.error("name at least one page, or --docs")

    workdir = Path(tempfile.mkdtemp(prefix="m2c-shots-"))
    env = {**os.environ, "M2C_VAR_DIR": str(workdir)}
    if args.database_url:
        env["M2C_DATABASE_URL"] = args.database_url
    else:
        m2c = [sys.executable, "-m", "m2c.cli"]
        subprocess.run([*m2c, "migrate"], env=env, check=True)
        subprocess.run([*m2c, "demo", "--quiet"], env=env, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # With its in-process worker: the import dry run is a background task.
    server = subprocess.Popen([sys.executable, "-m", "m2c.cli", "serve", "--port", str(port)],
                              env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            groups: dict[tuple[str, int, int], list[tuple[str, str]]] = {}
            for item in args.pages:
                found = SHOT.fullmatch(item)
                if not found:
                    raise SystemExit(f"not NAME=PATH[@USER][#WIDTHxHEIGHT]: {item}")
                key = (found["user"] or args.user, int(found["width"] or args.width), int(found["height"] or args.height))
                groups.setdefault(key, []).append((found["name"], found["path"]))
            for (user, width, height), shots in groups.items():
                context = _signed_in(browser, base, user, args, width, height)
                page = context.new_page()
                for name, path in shots:
                    _open(page, path)
                    page.wait_for_timeout(600)  # let charts finish their animation
                    target = out / f"{name}.png"
                    page.screenshot(path=str(target), full_page=args.full_page)
                    print(target)
                context.close()
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


SHOT = re.compile(r"(?P<name>[\w.-]+)=(?P<path>[^@#]+)(?:@(?P<user>[\w.-]+))?(?:#(?P<width>\d+)x(?P<height>\d+))?")
PHONE = "#390x844"
# The README's screenshots: each role's home, the lead edit form, the import dry run, the phone layout.
DOCS = [
    "home-marketing-zh=/@mkt.zhou", "home-ar-zh=/@ar.li", "home-finance-zh=/@fin.sun",
    "home-decision-zh=/@sdt.east", "home-executive-zh=/@exec.liu", "home-partner-zh=/@partner.p1",
    "lead-edit-zh=lead-edit@mkt.zhou", "import-dry-run-zh=import-dry-run@mkt.zhou",
    f"phone-home-zh=/@ar.li{PHONE}", f"phone-menu-zh=menu:/leads/@ar.li{PHONE}",
    f"phone-opportunity-zh=/opportunities/list/@ar.li{PHONE}",
]
IMPORT_FILE = ("公司名称,联系人,手机,邮箱,省份,行业,需求,预算\n"
               "上海申江大学,王海燕,13816612345,wanghy@sjdx.edu.cn,上海,教育,新校区园区网络与无线覆盖,80万元\n"
               "杭州东方精密制造有限公司,李强,13905710000,liq@dfjm.com,浙江,制造,数据中心网络改造,约100万\n"
               "南京博远信息技术有限公司,,,,江苏,互联网,Wi-Fi 7 升级,面议\n")


def _signed_in(browser, base: str, user: str, args, width: int, height: int):
    locale = "zh-CN" if args.lang.startswith("zh") else "en-US"
    context = browser.new_context(base_url=base, locale=locale, viewport={"width": width, "height": height})
    context.add_cookies([{"name": "m2c_language", "value": args.lang, "url": base}])
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", args.password)
    page.click("#sign-in")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.close()
    return context


def _open(page, path: str) -> None:
    if path == "lead-edit":
        page.goto("/leads/")
        # The first lead of a Chinese customer: the form as a Chinese sales team fills it.
        href = page.evaluate("""() => Array.from(document.querySelectorAll("a[href*='/leads/0']"))
                                .find(a => /[\\u4e00-\\u9fff]/.test(a.textContent)).getAttribute("href")""")
        page.goto(href.rstrip("/") + "/edit/")
    elif path == "import-dry-run":
        page.goto("/leads/imports/")
        with tempfile.TemporaryDirectory() as folder:
            upload = Path(folder) / "线索导入.csv"
            upload.write_text(IMPORT_FILE, encoding="utf-8")
            page.set_input_files("#import-form input[type=file]", str(upload))
            page.click("#upload")
            page.wait_for_url(lambda url: "/imports/" in url and not url.endswith("/imports/"))
        page.click("#dry-run")
        page.wait_for_load_state("networkidle")
        # The dry run is a background task; the screenshot shows it finished.
        for _ in range(120):
            if not page.locator(".progress-bar-animated").count():
                break
            page.wait_for_timeout(1000)
            page.reload()
    elif path.startswith("menu:"):
        page.goto(path[len("menu:"):])
        page.click("#menu-toggle")
        page.locator("#m2c-sidebar.show").wait_for()
    else:
        page.goto(path)
    page.wait_for_load_state("networkidle")


if __name__ == "__main__":
    main()
