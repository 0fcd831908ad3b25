"""Apps meet only through services and selectors (architecture.md, "Layout"; issue 14 item 3).

An app may use another app's models as foreign-key targets (in its own ``models``), in annotations
(under ``TYPE_CHECKING``) and for their choice enums; it never imports another app's model class to
query it; ``core`` is the shared kernel every app may use, and imports no other app. Migrations, admin
screens and ``apps.py`` (which wires cache invalidation to other apps' saves) are exempt.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.db import models

SRC = Path(__file__).resolve().parents[1] / "src" / "m2c"
APPS = sorted(p.name for p in SRC.iterdir() if (p / "apps.py").exists())


def _exempt(path: Path) -> bool:
    parts = path.relative_to(SRC).parts
    return (
        "migrations" in parts
        or parts[-1] in ("admin.py", "apps.py", "models.py", "selectors.py")
        or (len(parts) > 2 and parts[1] in ("models", "selectors"))
    )


def _runtime_imports(tree: ast.AST) -> list[ast.ImportFrom]:
    """``from … import`` statements that run (not those under ``if TYPE_CHECKING:``)."""
    found: list[ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def _violations() -> list[str]:
    problems = []
    for app in APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            if _exempt(path):
                continue
            for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
                module = node.module or ""
                if not module.startswith("m2c.") or module.split(".")[1] in (app,):
                    continue
                other = module.split(".")[1]
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                if app == "core" and other in APPS:
                    problems.append(f"{where}: core imports {module}")
                if other in APPS and other != "core" and module.split(".")[2:3] == ["models"]:
                    loaded = importlib.import_module(module)
                    for alias in node.names:
                        target = getattr(loaded, alias.name, None)
                        if isinstance(target, type) and issubclass(target, models.Model):
                            problems.append(f"{where}: imports the model {module}.{alias.name}")
    return problems


def test_no_app_imports_another_apps_model_outside_selectors_models_and_admin():
    assert _violations() == []


def test_the_check_finds_a_model_import(tmp_path, monkeypatch):
    """The walk above is not vacuous: a runtime model import is found, a TYPE_CHECKING one is not."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from m2c.campaigns.models import Campaign\n"
        "if TYPE_CHECKING:\n    from m2c.customers.models import Customer\n"
        "def f():\n    from m2c.customers.models import Contact\n"
    )
    modules = [(n.module, [a.name for a in n.names]) for n in _runtime_imports(tree)]
    assert modules == [
        ("typing", ["TYPE_CHECKING"]),
        ("m2c.campaigns.models", ["Campaign"]),
        ("m2c.customers.models", ["Contact"]),
    ]
    assert "core" in APPS and "leads" in APPS
