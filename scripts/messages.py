"""Extract and compile the Simplified Chinese catalogue of every m2c app.

Each app keeps its own catalogue in ``src/m2c/<app>/locale/zh_Hans/LC_MESSAGES/django.po`` so apps can
be worked on side by side. Run from the repository root: ``python scripts/messages.py`` (needs GNU
gettext). The compiled ``.mo`` files are committed, so a fresh machine needs no gettext tools.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "src" / "m2c"
DJANGO_ADMIN = Path(sys.executable).parent / "django-admin"


def main(only: list[str]) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "m2c.settings"}
    if not only or "project" in only:
        # Strings of the project modules (api.py, settings, cli) live in src/m2c/locale.
        apps = [p.name for p in APPS.iterdir() if p.is_dir()]
        ignores = [arg for name in apps for arg in ("-i", f"{name}/*")]
        (APPS / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [DJANGO_ADMIN, "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location", *ignores],
            cwd=APPS, env=env, check=True,
        )
        subprocess.run([DJANGO_ADMIN, "compilemessages", "-l", "zh_Hans"], cwd=APPS, env=env, check=True)
        print("project: ok")
    for app in sorted(p for p in APPS.iterdir() if (p / "apps.py").exists()):
        if only and app.name not in only:
            continue
        (app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [DJANGO_ADMIN, "makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location", "-i", "migrations/*"],
            cwd=app, env=env, check=True,
        )
        subprocess.run([DJANGO_ADMIN, "compilemessages", "-l", "zh_Hans"], cwd=app, env=env, check=True)
        print(f"{app.name}: ok")


if __name__ == "__main__":
    main(sys.argv[1:])
