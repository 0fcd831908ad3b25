"""Campaign evaluation and the year's plan at scale on PostgreSQL (issue 11).

    python -m benchmarks.campaign_eval [--campaigns 2000] [--customers 20000] [--touches 100000]
                                       [--leads 40000] [--repeat 7] [--reuse] [--keep]

Setup (not measured): a fresh database ``m2c_bench_campaigns`` on the local PostgreSQL, migrations,
reference data and demo users, then, bulk-loaded through ``core.bulk.insert`` (COPY) with a progress bar:

- ``--campaigns`` campaigns of this fiscal year at the three levels, over the five journey stages, the
  regions and customer groups, one or two offering lines each, drawing on the year's budgets;
- one big executed campaign (the one evaluated) that reached ``--customers`` customers with ``--touches``
  campaign touches (registrations, attendance, booth visits, downloads …) and sourced ``--leads`` leads in
  every state (invalid with reasons, duplicates, routed, accepted, nurtured, disqualified with reasons,
  converted), plus as many leads again from the other campaigns;
- the converted leads' opportunities (open, won, lost, abandoned), each also touched by one to three
  other campaigns (the influenced model's input); the won ones' contracts, two invoices each, receipts
  and allocations paying most of them;
- ``--responses`` (100,000) campaign responses of the big campaign (registrations, attendance, booth visits,
  downloads, meeting and call-back requests from the form, the check-in, imports and the API), 85 % converted
  into the leads it sourced, the rest pending (half of them overdue); loaded once, also into a reused database.

Measured in a child process with the database warm (one warm-up, then the median of ``--repeat`` runs),
each line with the CPU of this process and of its PostgreSQL backend per run (the machine is shared):

- (a) the plan page ``/campaigns/plan/`` of the fiscal year, whole (URL → selector → swim lanes → HTML)
  through Django's test client as a marketing user, and the plan selector alone;
- (b) the evaluation of the big campaign: ``campaign_figures`` (targets against live actuals, costs,
  utilisation, lead quality and the cash ROI to date, sourced model), the cash ROI under the influenced
  model, the lead-quality report, the response funnel (response → lead → valid → opportunity → won) and
  the counts by type the campaign page shows, and the whole campaign page.

Target: under 500 ms each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = os.environ.get("M2C_BENCH_CAMPAIGNS_DB", "m2c_bench_campaigns")  # another name when benchmarks run side by side
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
BIG = "bench-flagship"  # the code of the campaign evaluated


def _env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "M2C_DATABASE_URL": PG_URL, "DJANGO_SETTINGS_MODULE": "m2c.settings",
            "M2C_VAR_DIR": "/tmp/m2c_bench_campaigns_var", "PYTHONPATH": path}


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _child(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "benchmarks.campaign_eval", *args], env=_env(), check=True, cwd=ROOT)


# --- bulk load (child process) -----------------------------------------------------------------------


def _uid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _campaigns(rng: random.Random, count: int, year: int, now: Any) -> tuple[list[dict], list[dict], dict]:
    """The year's campaigns (the big one first) and their offering-line rows."""
    from m2c.campaigns import services
    from m2c.campaigns.models import Campaign, CampaignLevel, JourneyStage, MarketingBudget
    from m2c.core.models import OfferingLine, OrgUnit

    hq = OrgUnit.objects.get(code="hq")
    regions = list(OrgUnit.objects.filter(type=OrgUnit.Type.REGION))
    groups = list(OrgUnit.objects.filter(type=OrgUnit.Type.CUSTOMER_GROUP))
    budgets = {("corporate", hq.pk): services.budget_create(
        actor=None, name=f"{year} 公司级市场预算", level="corporate", org_unit=hq, fiscal_year=year,
        amount=Decimal("900000000"))}
    for level, units in (("regional", regions), ("customer_group", groups)):
        for unit in units:
            child = services.budget_create(actor=None, name=f"{year} {unit.name}市场预算", level=level, org_unit=unit,
                                           fiscal_year=year, parent=budgets[("corporate", hq.pk)])
            services.budget_allocate(parent=budgets[("corporate", hq.pk)], child=child, actor=None,
                                     amount="20000000")
            budgets[(level, unit.pk)] = MarketingBudget.objects.get(pk=child.pk)
    lines = list(OfferingLine.objects.all())
    stages, levels = JourneyStage.values, CampaignLevel.values
    statuses = ["APPROVED", "PREPARING", "IN_EXECUTION", "EXECUTED", "EVALUATED", "CLOSED", "DRAFT", "SUBMITTED"]
    rows, line_rows = [], []
    through = Campaign.offering_lines.through
    for i in range(count):
        big = i == 0
        level = "corporate" if big else levels[i % 3]
        unit = hq if level == "corporate" else rng.choice(regions if level == "regional" else groups)
        start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 340))
        end = start + dt.timedelta(days=rng.randrange(0, 25))
        if big:
            start, end = dt.date(year, 1, 10), dt.date(year, 1, 12)
        spend = Decimal(rng.randrange(20, 400) * 1000) if not big else Decimal("1200000")
        budget = budgets[(level, unit.pk)]
        rows.append({
            "id": _uid(rng), "code": BIG if big else f"bench-{year}-{i:05d}",
            "name": "全联接旗舰大会（基准）" if big else f"基准活动 {i:05d}", "level": level,
            "journey_stage": "awareness" if big else stages[rng.randrange(5)], "org_unit_id": unit.pk,
            "start_date": start, "end_date": end, "status": "EXECUTED" if big else rng.choice(statuses),
            "target_valid_leads": 20000 if big else rng.randrange(10, 200),
            "target_opportunities": 2500 if big else rng.randrange(2, 40),
            "target_pipeline": Decimal("3000000000") if big else Decimal(rng.randrange(1, 50) * 1_000_000),
            "target_bookings": Decimal("800000000") if big else Decimal(0),
            "target_cash": Decimal("300000000") if big else Decimal(0), "objective": "",
            "budget_id": budget.pk, "budget_amount": spend * Decimal("1.1"),
            "committed_amount": spend * Decimal("1.1"), "actual_spend": spend, "currency": "CNY",
            "web_form_enabled": True, "created_at": now, "updated_at": now, "version": 1,
        })
        for line in rng.sample(lines, 1 + (i % 2)):
            line_rows.append({"campaign_id": rows[-1]["id"], "offeringline_id": line.pk})
    return rows, line_rows, {"through": through}


def bulk_load(campaigns: int, customers: int, touches: int, leads: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from m2c.billing.models import Allocation, Invoice, Receipt
    from m2c.campaigns.models import Campaign
    from m2c.contracts.models import Contract
    from m2c.core.bulk import insert
    from m2c.core.models import OfferingLine, OrgUnit, User
    from m2c.customers.models import Customer
    from m2c.demo import load_reference, load_users
    from m2c.leads.models import CampaignTouch, Lead
    from m2c.opportunities.models import Opportunity

    load_reference()
    load_users()
    rng = random.Random(20261129)
    now, today = timezone.now(), timezone.localdate()
    year = today.year
    offices = list(OrgUnit.objects.filter(type=OrgUnit.Type.REP_OFFICE))
    owners = list(User.objects.filter(is_active=True, groups__name="ar")[:20]) or list(User.objects.all()[:5])
    line = OfferingLine.objects.order_by("code").first()
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns) as progress:
        task = progress.add_task("campaigns", total=campaigns)
        rows, line_rows, meta = _campaigns(rng, campaigns, year, now)
        with transaction.atomic():
            insert(Campaign, rows)
            insert(meta["through"], line_rows)
        progress.update(task, completed=campaigns)
        big = rows[0]
        others = [r["id"] for r in rows[1:]]

        task = progress.add_task("customers", total=customers)
        people = []
        for i in range(customers):
            office = offices[i % len(offices)]
            people.append({"id": _uid(rng), "legal_name": f"活动基准客户{i:06d}有限公司",
                           "normalized_name": f"活动基准客户{i:06d}", "country": "CN", "industry": "education",
                           "tier": "general", "org_unit_id": office.pk, "created_at": now, "updated_at": now,
                           "version": 1, "credit_rating": "unrated", "credit_limit": Decimal(0),
                           "credit_currency": "CNY", "credit_hold": False, "compliance_status": "ok"})
        with transaction.atomic():
            insert(Customer, people)
        progress.update(task, completed=customers)

        # Leads: the big campaign's in every state, and as many again from the other campaigns.
        task = progress.add_task("leads", total=leads * 2)
        states = [("INVALID", 12), ("DUPLICATE", 5), ("QUALIFIED", 8), ("ASSIGNED", 12), ("ACCEPTED", 10),
                  ("NURTURING", 15), ("RECYCLED", 8), ("DISQUALIFIED", 20), ("CONVERTED", 10)]
        weights = [w for _s, w in states]
        invalid = [["no_contact"], ["no_customer"], ["student_contact"], ["no_offering_line", "no_contact"]]
        disqualify = ["no_budget", "no_need", "lost_to_competitor", "unreachable"]
        sources = ["campaign"] * 8 + ["web", "partner"]
        converted: list[dict] = []
        for start in range(0, leads * 2, 20_000):
            batch = []
            for i in range(start, min(leads * 2, start + 20_000)):
                mine = i < leads
                status = rng.choices([s for s, _w in states], weights)[0]
                customer = people[rng.randrange(customers)]
                row = {"id": _uid(rng), "title": f"基准线索 {i:06d}", "status": status, "channel": "import",
                       "source_type": rng.choice(sources) if mine else "campaign",
                       "source_campaign_id": big["id"] if mine else others[rng.randrange(len(others))],
                       "customer_id": None if status == "INVALID" else customer["id"],
                       "raw_customer_name": customer["legal_name"], "region_id": customer["org_unit_id"],
                       "invalid_reasons": rng.choice(invalid) if status == "INVALID" else [],
                       "disqualify_reason": rng.choice(disqualify) if status == "DISQUALIFIED" else "",
                       "accepted_at": now if status in ("ACCEPTED", "NURTURING", "DISQUALIFIED", "CONVERTED")
                       or (status == "RECYCLED" and i % 2) else None,
                       "temperature": rng.choice(["hot", "warm", "cold"]), "currency": "CNY",
                       "created_at": now - dt.timedelta(days=rng.randrange(0, 300)), "updated_at": now, "version": 1}
                if mine and status == "CONVERTED":
                    converted.append(row)
                batch.append(row)
            with transaction.atomic():
                insert(Lead, batch)
            progress.update(task, advance=len(batch))

        # Opportunities of the converted leads: open, won, lost, abandoned.
        task = progress.add_task("opportunities, contracts, cash", total=len(converted))
        fates = [("O2_SHAPE", 25), ("O3_BID", 15), ("O4_NEGOTIATE", 10), ("WON", 25), ("LOST", 15),
                 ("ABANDONED", 10)]
        opps, won, updates = [], [], []
        for k, lead in enumerate(converted):
            stage = rng.choices([s for s, _w in fates], [w for _s, w in fates])[0]
            amount = Decimal(rng.randrange(200, 20_000) * 1000)
            opp = {"id": _uid(rng), "name": f"基准机会点 {k:05d}", "customer_id": lead["customer_id"],
                   "org_unit_id": lead["region_id"], "offering_line_id": line.pk, "amount": amount,
                   "amount_reporting": amount, "currency": "CNY", "stage": stage, "owner_id": owners[k % len(owners)].pk,
                   "source_campaign_id": big["id"], "source_lead_id": lead["id"], "created_at": now,
                   "updated_at": now, "version": 1}
            opps.append(opp)
            updates.append((opp["id"], lead["id"]))
            if stage == "WON":
                won.append(opp)
        contracts, invoices, receipts, allocations = [], [], [], []
        for k, opp in enumerate(won):
            cid = _uid(rng)
            signed = today - dt.timedelta(days=rng.randrange(30, 300))
            contracts.append({"id": cid, "number": f"HTC{k:07d}", "title": opp["name"], "customer_id": opp["customer_id"],
                              "opportunity_id": opp["id"], "campaign_id": big["id"], "org_unit_id": opp["org_unit_id"],
                              "owner_id": opp["owner_id"], "currency": "CNY", "total_value": opp["amount"],
                              "total_reporting": opp["amount"], "status": "IN_EXECUTION", "signed_on": signed,
                              "terms": {}, "created_at": now, "updated_at": now, "version": 1})
            for part in range(2):
                total = (opp["amount"] / 2).quantize(Decimal("0.01"))
                net = (total / Decimal("1.13")).quantize(Decimal("0.01"))
                iid = _uid(rng)
                issued = signed + dt.timedelta(days=10 + part * 60)
                paid = total if rng.random() < (0.8 if part == 0 else 0.5) else Decimal(0)
                invoices.append({"id": iid, "number": f"KPC{k:07d}{part}", "contract_id": cid,
                                 "customer_id": opp["customer_id"], "vat_type": "SPECIAL", "buyer_name": "基准",
                                 "currency": "CNY", "net": net, "tax": total - net, "total": total, "paid": paid,
                                 "credited": Decimal(0), "disputed": Decimal(0), "payment_days": 30,
                                 "issued_on": issued, "due_date": issued + dt.timedelta(days=30),
                                 "status": "PAID" if paid else "ISSUED", "created_at": now, "updated_at": now,
                                 "version": 1})
                if paid:
                    rid = _uid(rng)
                    on = min(today, issued + dt.timedelta(days=rng.randrange(5, 60)))
                    receipts.append({"id": rid, "number": f"SKC{k:07d}{part}", "customer_id": opp["customer_id"],
                                     "payer_name": "基准", "currency": "CNY", "amount": paid, "allocated": paid,
                                     "refunded": Decimal(0), "received_on": on, "bank_ref": f"BC{k:07d}{part}",
                                     "remittance": "", "source": "MANUAL", "status": "APPLIED", "created_at": now,
                                     "updated_at": now, "version": 1})
                    allocations.append({"id": _uid(rng), "receipt_id": rid, "invoice_id": iid, "amount": paid,
                                        "invoice_amount": paid, "allocated_on": on, "created_at": now})
        with transaction.atomic():
            insert(Opportunity, opps)
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE leads_lead SET converted_opportunity_id = %s WHERE id = %s", updates)
            insert(Contract, contracts)
            insert(Invoice, invoices)
            insert(Receipt, receipts)
            insert(Allocation, allocations)
        progress.update(task, completed=len(converted))

        # Touches: the big campaign reached ``customers`` customers ``touches`` times; every opportunity
        # it sourced carries its touch and one to three other campaigns' (the influenced model's input).
        task = progress.add_task("campaign touches", total=touches)
        kinds = ["registered", "attended", "visited_booth", "downloaded", "requested_meeting", "response"]
        by_customer = {o["customer_id"]: o["id"] for o in opps}
        made = 0
        while made < touches:
            batch = []
            for _k in range(min(20_000, touches - made)):
                customer = people[made % customers]["id"]
                batch.append({"id": _uid(rng), "campaign_id": big["id"], "customer_id": customer,
                              "opportunity_id": by_customer.get(customer) if made < customers else None,
                              "kind": kinds[made % len(kinds)],
                              "touched_at": now - dt.timedelta(days=300 - made % 200), "created_at": now})
                made += 1
            with transaction.atomic():
                insert(CampaignTouch, batch)
            progress.update(task, advance=len(batch))
        extra = [{"id": _uid(rng), "campaign_id": others[rng.randrange(len(others))], "customer_id": o["customer_id"],
                  "opportunity_id": o["id"], "kind": "attended",
                  "touched_at": now - dt.timedelta(days=rng.randrange(1, 330)), "created_at": now}
                 for o in opps for _n in range(rng.randrange(1, 4))]
        with transaction.atomic():
            insert(CampaignTouch, extra)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _responses(campaign_id: Any, count: int) -> None:
    """``count`` responses of the big campaign (issue 11 item 5), bulk-loaded: the six types in turn from
    the three sources, on the campaign's customers; 85 % converted into one of the leads the campaign
    sourced (so the funnel response → lead → valid → opportunity → won counts every state), the rest
    still pending, half of those past their conversion window (the overdue list). Idempotent: a database
    that already holds them is left alone."""
    from django.db import connection, transaction
    from django.utils import timezone

    from m2c.campaigns.models import CampaignResponse, ResponseSource, ResponseStatus, ResponseType
    from m2c.core.bulk import insert
    from m2c.leads.models import Lead

    if CampaignResponse.objects.filter(campaign_id=campaign_id).exists():
        return
    rng = random.Random(20261130)
    now = timezone.now()
    leads = list(Lead.objects.filter(source_campaign_id=campaign_id).exclude(status="DUPLICATE")
                 .values_list("id", "customer_id"))
    customers = [c for _l, c in leads if c]
    types, sources = ResponseType.values, ResponseSource.values
    year = timezone.localdate().year
    made = 0
    while made < count:
        batch = []
        for i in range(made, min(count, made + 20_000)):
            converted = rng.random() < 0.85
            lead_id, customer_id = leads[i % len(leads)] if converted else (None, customers[i % len(customers)])
            responded = timezone.make_aware(dt.datetime(year, 1, 10 + i % 3, 9 + i % 9, i % 60))
            due = now - dt.timedelta(days=3) if (not converted and i % 2) else now + dt.timedelta(days=2)
            batch.append({"id": _uid(rng), "campaign_id": campaign_id, "type": types[i % len(types)],
                          "source": sources[i % len(sources)], "name": f"基准联系人{i:06d}",
                          "company": f"活动基准客户{i % 20_000:06d}有限公司", "title": "信息中心主任",
                          "email": f"p{i}@bench{i % 97}.cn", "phone": f"139{i:08d}", "customer_id": customer_id,
                          "match": {}, "registration_id": None, "responded_at": responded, "convert_due_at": due,
                          "status": ResponseStatus.CONVERTED if converted else ResponseStatus.PENDING,
                          "lead_id": lead_id, "converted_at": now if converted else None, "convert_error": "",
                          "external_ref": None, "payload": {}, "created_by_id": None})
        with transaction.atomic():
            insert(CampaignResponse, batch)
        made += len(batch)
        print(f"  responses {made:,}/{count:,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaigns_campaignresponse")


# --- measurements (child process) --------------------------------------------------------------------


def _backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend, from /proc (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def _timed(name: str, fn: Callable[[], Any], repeat: int, rows: list[tuple]) -> Any:
    from django.db import connection, reset_queries

    result = fn()  # warm-up
    times = []
    cpu0, db0 = time.process_time(), _backend_cpu()
    for _i in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    cpu, db = time.process_time() - cpu0, _backend_cpu() - db0
    reset_queries()
    connection.force_debug_cursor = True
    fn()
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    rows.append((name, statistics.median(times), max(times), cpu / repeat, db / repeat, queries))
    print(f"  {name:<52} median {statistics.median(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms  "
          f"cpu/run app {cpu / repeat * 1000:7.1f} ms  db {db / repeat * 1000:7.1f} ms  {queries} queries", flush=True)
    return result


def measure(repeat: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from m2c.campaigns import selectors, services
    from m2c.campaigns import selectors_responses as reads
    from m2c.campaigns.attribution import INFLUENCED, cash_roi
    from m2c.campaigns.lead_quality import campaign_lead_quality
    from m2c.campaigns.models import Campaign, CampaignResponse
    from m2c.leads.models import CampaignTouch, Lead

    settings.ALLOWED_HOSTS = ["*"]
    year = timezone.localdate().year
    big = Campaign.objects.get(code=BIG)
    print(f"load average before: {os.getloadavg()}", flush=True)
    print(f"campaigns {Campaign.objects.count():,} ({len(selectors.plan_campaigns(year=year)):,} in {year}), "
          f"leads {Lead.objects.count():,} ({Lead.objects.filter(source_campaign=big).count():,} of the evaluated "
          f"campaign), touches {CampaignTouch.objects.filter(campaign=big).count():,} on "
          f"{CampaignTouch.objects.filter(campaign=big).values('customer').distinct().count():,} customers, "
          f"responses {CampaignResponse.objects.filter(campaign=big).count():,}", flush=True)
    marketing = get_user_model().objects.filter(groups__name="marketing", is_active=True).order_by("username").first()
    client = Client()
    client.force_login(marketing)
    client.cookies["m2c_language"] = "zh-hans"

    def page(url: str) -> Callable[[], Any]:
        def get() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)
        return get

    rows: list[tuple] = []
    print("(a) the plan", flush=True)
    size = _timed(f"plan page /campaigns/plan/?year={year} (whole)", page(f"/campaigns/plan/?year={year}"), repeat, rows)
    print(f"      page size {size / 1024:,.0f} KiB", flush=True)
    _timed("plan selector (plan_campaigns)", lambda: selectors.plan_campaigns(year=year), repeat, rows)
    print("(b) the evaluation of one campaign", flush=True)
    figures = _timed("campaign_figures (targets, actuals, quality, cash ROI)",
                     lambda: services.campaign_figures(Campaign.objects.get(pk=big.pk)), repeat, rows)
    print(f"      valid leads {figures['actuals']['valid_leads']}, opportunities {figures['actuals']['opportunities']}, "
          f"cash {figures['actuals']['cash']}, cash ROI {figures['cash_roi']}", flush=True)
    _timed("cash ROI, influenced model", lambda: cash_roi(big, model=INFLUENCED), repeat, rows)
    _timed("lead quality per source", lambda: campaign_lead_quality(big), repeat, rows)
    funnel = _timed("response funnel (response → lead → valid → opp → won)",
                    lambda: reads.response_funnel(campaign=big), repeat, rows)
    print(f"      {funnel}", flush=True)
    _timed("responses by type", lambda: reads.response_type_counts(campaign=big), repeat, rows)
    _timed(f"campaign page /campaigns/{str(big.pk)[:8]}…/ (whole)", page(f"/campaigns/{big.pk}/"), repeat, rows)
    print(f"load average after: {os.getloadavg()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--campaigns", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--touches", type=int, default=100_000)
    parser.add_argument("--leads", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--child", choices=("load", "responses", "measure"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        if args.child == "load":
            bulk_load(args.campaigns, args.customers, args.touches, args.leads)
        elif args.child == "responses":
            from m2c.campaigns.models import Campaign

            _responses(Campaign.objects.get(code=BIG).pk, args.responses)
        else:
            measure(args.repeat)
        return
    loaded = -1
    if args.reuse:
        code = "import django; django.setup(); from m2c.campaigns.models import Campaign; print(Campaign.objects.count())"
        done = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
        loaded = int(done.stdout.split()[-1]) if done.returncode == 0 and done.stdout.split() else -1
    if loaded < args.campaigns:
        _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        _admin(f"CREATE DATABASE {PG_DB}")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, capture_output=True)
        _child("--child", "load", "--campaigns", str(args.campaigns), "--customers", str(args.customers),
               "--touches", str(args.touches), "--leads", str(args.leads))
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        subprocess.run([sys.executable, "-m", "m2c.cli", "migrate"], env=_env(), check=True, capture_output=True)
    _child("--child", "responses", "--responses", str(args.responses))  # loaded once (a reused database keeps them)
    try:
        _child("--child", "measure", "--repeat", str(args.repeat))
    finally:
        if not args.keep:
            _admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
