"""Take screenshots of m2c pages with demo data, in Chinese or English.

    python scripts/screenshots.py [--lang zh-hans] [--user mkt.zhou] NAME=PATH [NAME=PATH ...]

Builds a throw-away SQLite database with the demo data (unless --database-url is given), serves it,
signs in through the login form, switches the language and saves ``docs/img/NAME.png`` per page.
Needs Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("pages", nargs="+", help="NAME=PATH")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--user", default="mkt.zhou")
    parser.add_argument("--password", default="m2c-demo-2026")
    parser.add_argument("--database-url")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true")
    args = parser.parse_args()

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
    server = subprocess.Popen([sys.executable, "-m", "m2c.cli", "serve", "--port", str(port), "--no-worker"],
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
            locale = "zh-CN" if args.lang.startswith("zh") else "en-US"
            context = browser.new_context(base_url=base, locale=locale,
                                          viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            page.goto("/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("#sign-in")
            page.wait_for_load_state("networkidle")
            page.select_option("#language-select", args.lang)
            page.wait_for_load_state("networkidle")
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            for item in args.pages:
                name, path = item.split("=", 1)
                page.goto(path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(600)  # let charts finish their animation
                target = out / f"{name}.png"
                page.screenshot(path=str(target), full_page=args.full_page)
                print(target)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
