"""The response import's batch path (``imports_bulk``) against the row-by-row path through the services.

The same file imported both ways into the same starting data must store the same responses (customer,
match, conversion deadline, type, contact fields), the same consents, move the same customers to the same
journey stages with the same moves (never back), record the same events, and report the same bad rows;
and the batch path's queries do not grow with the rows of a chunk.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from m2c.campaigns.imports import ResponseClient
from m2c.campaigns.models import CampaignResponse, Consent, CustomerJourney
from m2c.core.imports import runner
from m2c.core.models import Event
from m2c.customers.models import Customer
from tests.factories import ContactFactory, CustomerFactory
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db

HEADER = "活动,响应类型,姓名,公司名称,邮箱,手机,时间,同意接收\n"


class _Undo(Exception):
    pass


class RowByRow(ResponseClient):
    """The engine's row path: every row through ``response_create`` and ``consent_record``."""

    rows = None


def _import(tmp_path, client, lines, actor, name):
    path = tmp_path / name
    path.write_bytes((HEADER + "".join(lines)).encode("gbk"))
    job = runner.create_job(path, client, actor=actor)
    runner.run_job(job, client, actor=actor)
    job.refresh_from_db()
    return job


def _state(job):
    """What an import left, with customers named (ids differ between the two runs)."""
    names = dict(Customer.objects.values_list("pk", "legal_name"))
    stored = {r.pk: r for r in CampaignResponse.objects.all()}
    responses = {(r.name, r.type): (names.get(r.customer_id), {k: v for k, v in r.match.items() if k != "customer"},
                                    r.convert_due_at, r.email, r.phone, r.company, r.status, r.source, r.responded_at,
                                    r.external_ref.startswith("import:"),
                                    r.payload == {"file": job.file_name, "import": str(job.pk)})
                 for r in stored.values()}
    moves = sorted((names[uuid.UUID(e.payload["customer"])], e.from_state, e.to_state,
                    stored[uuid.UUID(e.subject_id)].name, stored[uuid.UUID(e.subject_id)].type)
                   for e in Event.objects.filter(event_type="campaigns.journey.advanced"))
    events = sorted(Event.objects.filter(event_type__startswith="campaigns.").values_list("event_type", flat=True))
    consents = sorted((c.subject, c.granted, c.source, c.campaign.code, c.evidence.replace(job.file_name, "F"))
                      for c in Consent.objects.select_related("campaign"))
    journeys = {names[c]: stage for c, stage in CustomerJourney.objects.values_list("customer_id", "stage")}
    errors = sorted((e.row_number, e.field, e.message) for e in job.errors.all())
    return {"responses": responses, "moves": moves, "events": events, "consents": consents, "journeys": journeys,
            "errors": errors, "counts": (job.processed, job.created, job.merged, job.rejected)}


def _setup(org):
    hospital = CustomerFactory(legal_name="东海医院", org_unit=org.east)
    campus = CustomerFactory(legal_name="申江大学", org_unit=org.east)
    known = ContactFactory(customer=CustomerFactory(legal_name="启明科技有限公司", org_unit=org.east),
                           email="li@qiming.cn", phone="13600136000")
    # 申江大学 is already at the decision stage: nothing here moves it back.
    CustomerJourney.objects.create(customer=campus, stage="decision")
    decision = CampaignFactory(code="decision-clinic", name="决策诊所", journey_stage="decision", org_unit=org.east,
                               start_date=timezone.localdate(), end_date=timezone.localdate())
    return hospital, campus, known, decision


LINES = [
    "east-campus-seminar,展台,赵强,东海医院,zhao@donghai.cn,13900139000,2026-03-05 14:30,是\n",  # interest
    "east-campus-seminar,会议请求,赵强,东海医院,zhao@donghai.cn,13900139000,2026-03-06 09:00,\n",  # → evaluation
    "decision-clinic,签到,钱敏,东海医院,qian@donghai.cn,,2026-03-07,否\n",  # → decision
    "east-campus-seminar,下载,孙丽,申江大学,sun@shenjiang.edu.cn,,2026/3/5,是\n",  # campus stays at decision
    "east-campus-seminar,回电,李雷,,li@qiming.cn,,2026年3月6日,\n",  # resolved by the contact's email
    "east-campus-seminar,报名,周杰,新公司,zhou@example.com,,2026-03-05 10:00,\n",  # unknown company: no customer
    "east-campus-seminar,跳舞,吴刚,某公司,wu@example.com,,2026-03-05,\n",  # unknown type
    "no-such-campaign,签到,吴刚,某公司,wu@example.com,,2026-03-05,\n",  # unknown campaign
    "east-campus-seminar,签到,,,,,2026-03-05,\n",  # no name, email or phone
    "east-campus-seminar,报名,郑华,某公司,not-an-address,,2026-03-05,是\n",  # consent to a bad address
    "east-campus-seminar,报名,郑华,某公司,zheng@example.com,,下周三,\n",  # not a time
    "east-campus-seminar,展台,赵强,东海医院,zhao@donghai.cn,13900139000,2026-03-05 14:30,是\n",  # same row again
]


def test_the_batch_path_stores_what_the_row_path_stores(event, org, users, tmp_path):
    results = {}
    for label, client in (("rows", RowByRow()), ("batch", ResponseClient())):
        try:
            with transaction.atomic():  # rolled back: the other path starts from the same data
                _setup(org)
                results[label] = _state(_import(tmp_path, client, LINES, users.marketing, f"{label}.csv"))
                raise _Undo
        except _Undo:
            pass
    rows, batch = results["rows"], results["batch"]
    assert batch == rows
    assert batch["counts"] == (12, 6, 1, 5)
    assert [e[:2] for e in batch["errors"]] == [(8, "type"), (9, "campaign"), (10, "email"), (11, "email"),
                                               (12, "responded_at")]
    assert batch["journeys"] == {"东海医院": "decision", "申江大学": "decision", "启明科技有限公司": "evaluation"}
    assert [m[1:3] for m in batch["moves"] if m[0] == "东海医院"] == [
        ("", "interest"), ("evaluation", "decision"), ("interest", "evaluation")]
    assert batch["responses"][("李雷", "callback_request")][0] == "启明科技有限公司"
    assert batch["responses"][("周杰", "registration")][0] is None
    assert ("zhao@donghai.cn", True, "import", "east-campus-seminar", "Column “consent” of the imported file F") \
        in batch["consents"]


def test_a_chunk_is_stored_in_a_fixed_number_of_queries(event, org, users, tmp_path, settings):
    CustomerFactory(legal_name="东海医院", org_unit=org.east)
    start = dt.datetime(2026, 3, 2, 9, 0)

    def lines(n, offset):
        return [f"east-campus-seminar,展台,联系人{i},东海医院,p{i}@donghai.cn,139{i:08d},"
                f"{(start + dt.timedelta(hours=i % 200)).strftime('%Y-%m-%d %H:%M')},是\n" for i in range(offset, offset + n)]

    counts = []
    for n, offset in ((20, 0), (400, 1000)):
        with CaptureQueriesContext(connection) as queries:
            job = _import(tmp_path, ResponseClient(), lines(n, offset), users.marketing, f"q{n}.csv")
        assert (job.created, job.rejected) == (n, 0)
        sql = [q["sql"] for q in queries.captured_queries]
        calendar = [q for q in sql if "core_calendarday" in q]
        # Inserts are bulk statements (SQLite splits them at its limit on parameters, PostgreSQL does not).
        counts.append((len([q for q in sql if not q.startswith("INSERT") and q not in calendar]), len(calendar)))
    # Twenty times the rows: the same reads and updates; the calendar read once per response day, not per row.
    assert counts[0][0] == counts[1][0], counts
    assert counts[1][1] <= 9, counts  # 400 responses over nine days
    assert CampaignResponse.objects.filter(customer__legal_name="东海医院").count() == 420
    assert Consent.objects.filter(source="import", granted=True).count() == 420
    assert Event.objects.filter(event_type="campaigns.response.captured").count() == 420
