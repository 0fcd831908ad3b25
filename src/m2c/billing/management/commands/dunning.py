"""``m2c manage dunning [--dry-run] [--on YYYY-MM-DD]``: run the dunning ladder now, as the worker would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Take the dunning steps due (D+1, D+15, D+30, D+90); --dry-run lists them and writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list the steps due, take none")
        parser.add_argument("--on", help="the day to run for (default today), YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        from m2c.billing.services.dunning import dunning_sweep

        try:
            on = dt.date.fromisoformat(options["on"]) if options.get("on") else None
        except ValueError as exc:
            raise CommandError("--on: use a date like 2026-06-30") from exc
        result = dunning_sweep(on=on, dry_run=options["dry_run"])
        verb = "due" if options["dry_run"] else "taken"
        for number, step in result.steps:
            self.stdout.write(f"{number}\t{step}\t{verb}")
        for number in result.skipped_disputed:
            self.stdout.write(f"{number}\t-\twhole open amount disputed: not dunned")
        for number in result.closed_cases:
            self.stdout.write(f"{number}\tcollection case\t{'to close' if options['dry_run'] else 'closed'}")
        self.stdout.write(f"{len(result.steps)} steps {verb}, {len(result.closed_cases)} collection cases "
                          f"{'to close' if options['dry_run'] else 'closed'}")
