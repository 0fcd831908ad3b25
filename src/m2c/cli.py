"""The ``m2c`` command.

``M2C_DATABASE_URL`` selects the database for every sub-command; unset, it is the SQLite file under
``var/``. ``m2c manage …`` passes anything else to Django's management commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "m2c.settings")
    import django

    django.setup()


def _call(name: str, *args: str, **options: Any) -> None:
    from django.core.management import call_command

    call_command(name, *args, **options)


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _call("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    from django.conf import settings

    print(f"database ready: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
          f"{settings.DATABASES['default']['NAME']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from m2c.demo import load_demo

    summary = load_demo(customers=args.customers, progress=not args.quiet)
    print(summary)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from m2c.core.server import serve

    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads, task_worker=not args.no_worker)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from m2c.core.worker import run_worker

    run_worker(interval=args.interval, batch=args.batch)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup()
    import secrets

    from m2c.core.errors import DomainError
    from m2c.core.models import OrgUnit, Role, User
    from m2c.core.services import user_create

    existing = User.objects.filter(username=args.username).first()
    if existing is not None:
        if args.if_missing:
            print(f"user {args.username} exists")
            return 0
        print(f"error: username: the username “{args.username}” is taken", file=sys.stderr)
        return 2
    org_unit = None
    if args.org_unit:
        org_unit = OrgUnit.objects.filter(code=args.org_unit).first()
        if org_unit is None:
            print(f"error: org_unit: no org unit with code {args.org_unit}", file=sys.stderr)
            return 2
    password = args.password or secrets.token_urlsafe(12)
    roles = list(args.role or [])
    if args.admin and Role.ADMINISTRATOR not in roles:
        roles.append(Role.ADMINISTRATOR)
    try:
        user_create(
            username=args.username,
            password=password,
            email=args.email or "",
            display_name=args.display_name or "",
            roles=roles,
            org_unit=org_unit,
            is_superuser=args.admin,
        )
    except DomainError as exc:
        print(f"error: {exc.field or 'user'}: {exc.detail}", file=sys.stderr)
        return 2
    if args.password_file:
        from pathlib import Path

        path = Path(args.password_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
    print(f"created user {args.username} with password {password}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _setup()
    from m2c.core.errors import DomainError
    from m2c.core.models import User
    from m2c.core.services import token_create, token_find, token_revoke, token_revoke_all

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"error: username: no user {args.username}", file=sys.stderr)
        return 2
    try:
        if args.token_command == "create":
            token, clear = token_create(user=user, name=args.name)
            print(clear)
            print(f"token “{token.name}” created for {user.username}; it is shown only this once", file=sys.stderr)
        elif args.all:
            if args.ref:
                print("error: ref: give a token or --all, not both", file=sys.stderr)
                return 2
            count = token_revoke_all(user=user, reason="cli")
            print(f"{count} token(s) of {user.username} revoked")
        elif not args.ref:
            print("error: ref: give a token's prefix, name or id, or --all", file=sys.stderr)
            return 2
        else:
            token = token_find(user=user, ref=args.ref)
            token_revoke(token=token)
            print(f"token “{token.name}” ({token.prefix}…) revoked")
    except DomainError as exc:
        print(f"error: {exc.field or 'token'}: {exc.detail}", file=sys.stderr)
        return 2
    return 0


def _import_client(kind: str) -> Any:
    from m2c.core.imports.registry import client

    return client(kind)


def _fail(field: str, detail: str) -> int:
    print(f"error: {field}: {detail}", file=sys.stderr)
    return 2


def cmd_import(args: argparse.Namespace) -> int:
    """``m2c import KIND FILE``: the same import as the web page, with a progress bar and a JSON summary.

    Any refusal (unreadable file, zip bomb, bad mapping, a job already running) is one line on stderr
    and exit status 2, never a traceback.
    """
    _setup()
    import json
    from pathlib import Path

    from django.db import DatabaseError

    from m2c.core.errors import DomainError
    from m2c.core.imports import JobLost

    if getattr(args, "chunk", None):
        from django.conf import settings

        settings.M2C_IMPORT_CHUNK = args.chunk
    try:
        if args.import_kind in ("resume", "restart"):
            return _import_resume(args, restart=args.import_kind == "restart")
        if args.import_kind == "jobs":
            return _import_jobs()
        path = Path(args.file)
        if not path.is_file():
            return _fail("file", f"{path} does not exist")
        actor = _import_actor(args)
        mapping = value_maps = None
        if args.mapping:
            loaded = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
            if not isinstance(loaded, dict):
                raise ValueError("the mapping file must hold a JSON object {column: field}")
            # Either {column: field} or {"columns": {column: field}, "values": {field: {value: code}}}.
            if isinstance(loaded.get("columns"), dict):
                mapping, value_maps = loaded["columns"], loaded.get("values") or {}
            else:
                mapping = loaded
        if args.import_kind == "leads":
            return _import_leads(args, path, actor, mapping, value_maps)
        return _import_generic(args, path, actor, mapping, value_maps)
    except JobLost:
        return _fail("job", "another run took this import over")
    except (DomainError, ValueError, OSError, DatabaseError) as exc:
        detail = getattr(exc, "detail", None) or str(exc)
        return _fail(getattr(exc, "field", None) or "file", " ".join(str(detail).split()))


def _import_actor(args: argparse.Namespace) -> Any:
    from m2c.core.errors import ValidationFailed
    from m2c.core.models import User

    if not getattr(args, "user", None):
        return None
    actor = User.objects.filter(username=args.user, is_active=True).first()
    if actor is None:
        raise ValidationFailed(f"no active user {args.user}", field="user")
    return actor


def _bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=True)


def _import_leads(args: argparse.Namespace, path: Any, actor: Any, mapping: Any, value_maps: Any) -> int:
    import json

    from m2c.leads import importer

    defaults = {}
    if args.mapping is None:
        info = importer.preview(path)
        print("suggested mapping (column -> field):")
        for column, target in info.mapping.items():
            print(f"  {column} -> {target}")
        mapping = info.mapping
    job = importer.create_job(path, actor=actor, mapping=mapping, defaults=defaults, dry_run=args.dry_run,
                              value_maps=value_maps, default_offering_line=getattr(args, "offering_line", None))
    print(f"job {job.pk}", file=sys.stderr)
    with _bar() as bar:
        task = bar.add_task("import", total=job.total_rows or None)
        counts, _used, job = importer.run(path, actor=actor, job=job, progress=lambda n: bar.update(task, completed=n))
    _lead_report(job, counts.rejected, path)
    if args.dry_run:
        print("dry run: nothing was stored")
    print(json.dumps(counts.as_dict()))
    return 0


def _lead_report(job: Any, rejected: int, path: Any) -> None:
    from m2c.leads import importer

    if rejected:
        report = path.with_name(path.stem + ".errors.csv")
        with open(report, "wb") as handle:
            for chunk in importer.csv_bytes(importer.error_report(job)):
                handle.write(chunk)
        print(f"{rejected} rows not stored; error report: {report}")


def _import_generic(args: argparse.Namespace, path: Any, actor: Any, mapping: Any, value_maps: Any) -> int:
    import json

    from m2c.core.imports import runner

    client = _import_client(args.import_kind)
    if mapping is None:
        from m2c.core.imports.files import open_table

        suggested = client.schema.suggest(open_table(path).headers)
        print("suggested mapping (column -> field):")
        for column, target in suggested.items():
            print(f"  {column} -> {target}")
    job = runner.create_job(path, client, actor=actor, mapping=mapping, dry_run=args.dry_run, value_maps=value_maps)
    print(f"job {job.pk}", file=sys.stderr)
    with _bar() as bar:
        task = bar.add_task("import", total=job.total_rows or None)
        runner.run_job(job, client, actor=actor, progress=lambda n: bar.update(task, completed=n))
    job.refresh_from_db()
    for problem in job.errors.all()[:20]:
        print(f"row {problem.row_number}: {problem.level}: {problem.message}")
    if args.dry_run:
        print("dry run: nothing was stored")
    print(json.dumps(job.summary()))
    return 0


def _find_job(ref: str) -> tuple[str, Any]:
    from m2c.core.errors import NotFound
    from m2c.core.models import ImportJob
    from m2c.leads.models import LeadImport

    for kind, model in (("leads", LeadImport), ("", ImportJob)):
        try:
            job = model.objects.filter(pk=ref).first()
        except Exception:  # noqa: BLE001 - not a UUID
            job = None
        if job is not None:
            return kind or job.kind, job
    raise NotFound(f"no import job {ref}", field="job")


def _import_resume(args: argparse.Namespace, *, restart: bool) -> int:
    import json
    from pathlib import Path

    from m2c.core.imports import jobs, runner

    kind, job = _find_job(args.job)
    if jobs.mark_dead(job):
        print(f"job {job.pk} was interrupted after line {job.cursor}; its process had ended", file=sys.stderr)
    job.refresh_from_db()
    actor = job.created_by
    with _bar() as bar:
        task = bar.add_task("import", total=job.total_rows or None)
        progress = lambda n: bar.update(task, completed=n)  # noqa: E731
        if kind == "leads":
            from m2c.leads import importer

            token = jobs.claim(job, actor=actor, restart=restart)
            counts, _used, job = importer.run(Path(job.file_path), actor=actor, job=job, token=token, progress=progress)
            summary = counts.as_dict()
        else:
            runner.run_job(job, _import_client(kind), actor=actor, restart=restart, progress=progress)
            job.refresh_from_db()
            summary = job.summary()
    print(json.dumps(summary))
    return 0


def _import_jobs() -> int:
    from m2c.core.imports import jobs
    from m2c.core.models import ImportJob
    from m2c.leads.models import LeadImport

    for kind, model in (("leads", LeadImport), ("", ImportJob)):
        for job in model.objects.order_by("-created_at")[:20]:
            jobs.mark_dead(job)
            job.refresh_from_db()
            print(f"{job.pk}  {kind or job.kind:<13} {job.status:<11} line {job.cursor:<7} {job.file_name}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["m2c manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="m2c",
        description="m2c: market to cash. M2C_DATABASE_URL selects the database (default: SQLite under var/).",
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    sub.required = True

    p = sub.add_parser("serve", help="serve the web app and API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="app processes (more than 1 needs gunicorn, Unix)")
    p.add_argument("--threads", type=int, default=8, help="threads per process")
    p.add_argument("--no-worker", action="store_true", help="do not run background tasks in this process")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load the demo data (idempotent)")
    p.add_argument("--customers", type=int, default=320, help="number of demo customers")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("createuser", help="create a user")
    p.add_argument("username")
    p.add_argument("--password", help="default: a random one, printed")
    p.add_argument("--password-file", help="also write the password to this file (mode 600)")
    p.add_argument("--email")
    p.add_argument("--display-name")
    p.add_argument("--role", action="append", help="role (repeatable): administrator, marketing, ar, sr, fr, "
                   "finance, decision_team, executive, partner")
    p.add_argument("--org-unit", help="org unit code")
    p.add_argument("--admin", action="store_true", help="a superuser with the administrator role")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the user exists")
    p.set_defaults(func=cmd_createuser)

    p = sub.add_parser("token", help="create or revoke a personal API token")
    tsub = p.add_subparsers(dest="token_command", metavar="<create|revoke>")
    tsub.required = True
    tc = tsub.add_parser("create", help="create a token; prints it once")
    tc.add_argument("username")
    tc.add_argument("--name", required=True)
    tr = tsub.add_parser("revoke", help="revoke a token by prefix, name or id, or all of a user's tokens")
    tr.add_argument("username")
    tr.add_argument("ref", nargs="?", help="the token's prefix, name or id")
    tr.add_argument("--all", action="store_true", help="revoke every active token of the user")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("worker", help="run background tasks and periodic jobs")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
    p.add_argument("--batch", action="store_true", help="exit when no task is left")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("import", help="import records from a file (CSV, XLSX or XLS), or resume an import")
    isub = p.add_subparsers(dest="import_kind", metavar="<leads|customers|opportunities|org|responses|resume|restart|jobs>")
    isub.required = True
    helps = {"leads": "import leads; the last line printed is a JSON summary",
             "customers": "import customers (accounts) with their contacts from another CRM",
             "opportunities": "import open opportunities and closed (won/lost) history from another CRM",
             "org": "create org units and users (teams, managers, offices) from a file",
             "responses": "import campaign responses (booth visits, downloads, attendance…), converted into leads"}
    for kind, text in helps.items():
        il = isub.add_parser(kind, help=text)
        il.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX or XLS with a header row")
        il.add_argument("--mapping", help="JSON file {column header: field}, or {\"columns\": {...}, \"values\": "
                        "{field: {value in the file: value}}}; default: the suggested mapping")
        il.add_argument("--dry-run", action="store_true", help="run every rule but store nothing")
        il.add_argument("--user", help="import as this user (default: the system)")
        il.add_argument("--chunk", type=int, help="rows committed per transaction (default: the import's own)")
        if kind == "leads":
            il.add_argument("--offering-line", metavar="CODE",
                            help="offering line of rows that name none and whose text matches no line's keywords")
    for name, text in (("resume", "continue an interrupted or failed import after its last committed rows"),
                       ("restart", "run an interrupted or failed import again from its first row")):
        ir = isub.add_parser(name, help=text)
        ir.add_argument("job", help="the job id (m2c import jobs lists them)")
        ir.add_argument("--chunk", type=int, help="rows committed per transaction")
    isub.add_parser("jobs", help="list recent imports with their status and last committed line")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
