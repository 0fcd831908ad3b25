"""Opportunity import from another CRM: open deals in their stage, won/lost history, value maps, re-import."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from openpyxl import Workbook

from m2c.cli import main
from m2c.core.imports import runner
from m2c.core.models import Event
from m2c.core.notifications import Notification
from m2c.opportunities.imports import CLIENT
from m2c.opportunities.models import GateReview, Opportunity
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HEADER = "商机编号,商机名称,客户名称,阶段,金额,币种,预计签约日期,关闭日期,负责人,产品线,输单原因,竞争对手\n"
ROWS = [
    "OPP-1,申江大学园区网改造,申江大学,商务谈判,280万,CNY,2027-03-31,,ar.li,园区网络,,\n",
    "OPP-2,华信燃气数据中心,上海华信燃气有限公司,赢单,1.2亿,CNY,,2025-11-20,ar.li,数据中心网络,,\n",
    "OPP-3,华信燃气无线覆盖,上海华信燃气股份有限公司,输单,约80万元,CNY,,2025-06-30,ar.li,无线局域网,价格,某友商\n",
]


@pytest.fixture
def crm(org, users, lines, rates):
    CustomerFactory(legal_name="申江大学", normalized_name="申江大学", org_unit=org.shanghai)
    CustomerFactory(legal_name="上海华信燃气有限公司", normalized_name="上海华信燃气", org_unit=org.shanghai)
    return users


def _run(path: Path, actor=None, **kwargs):
    job = runner.create_job(path, CLIENT, actor=actor, **kwargs)
    runner.run_job(job, CLIENT, actor=actor)
    job.refresh_from_db()
    return job


def test_a_gbk_file_lands_open_deals_in_their_stage_and_closed_ones_as_history(crm, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("gbk"))
    before = Notification.objects.count()
    job = _run(path, crm.ar)
    assert job.summary()["created"] == 3, [e.message for e in job.errors.all()]
    open_deal = Opportunity.objects.get(name="申江大学园区网改造")
    assert (open_deal.stage, open_deal.amount, open_deal.expected_sign_date) == (
        "O4_NEGOTIATE", Decimal("2800000"), dt.date(2027, 3, 31))
    won = Opportunity.objects.get(name="华信燃气数据中心")
    assert won.stage == "WON" and won.amount == Decimal("120000000") and won.closed_at.date() == dt.date(2025, 11, 20)
    lost = Opportunity.objects.get(name="华信燃气无线覆盖")
    assert (lost.stage, lost.loss_reason, lost.loss_competitor, lost.amount) == ("LOST", "price", "某友商", Decimal("800000"))
    assert lost.customer == won.customer  # a second spelling of the customer, resolved to the same one
    assert lost.closed_at.date() == dt.date(2025, 6, 30)
    # History, not a replay: no gate decisions, no notifications, no email; one "imported" event each.
    assert GateReview.objects.count() == 0 and Notification.objects.count() == before and mail.outbox == []
    events = Event.objects.filter(event_type="opportunities.opportunity.imported")
    assert events.count() == 3 and {e.to_state for e in events} == {"O4_NEGOTIATE", "WON", "LOST"}
    assert all(e.payload["imported"] for e in events)
    again = _run(path, crm.ar)
    assert again.created == 0 and again.merged == 3 and Opportunity.objects.count() == 3


def test_an_xlsx_with_foreign_stage_names_and_dirty_products_is_reported_then_mapped(crm, tmp_path):
    book = Workbook()
    book.active.append(["Opportunity ID", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
                        "Opportunity Owner", "Product"])
    book.active.append(["SF-1", "Campus refresh", "申江大学", "Perception Analysis", 1500000.0, dt.datetime(2027, 5, 1),
                        "ar.li", "Campus Network"])
    book.active.append(["SF-2", "Core DC", "申江大学", "Closed Won", 2500000, dt.datetime(2025, 1, 15), "ar.li", "DataCenter"])
    book.active.append(["SF-3", "Wi-Fi", "申江大学", "Negotiation/Review", "面议", None, "ar.li", "GTXPro"])
    book.active.append(["SF-4", "Unknown account", "Nobody Ltd", "Qualification", 10, None, "ar.li", "Campus Network"])
    path = tmp_path / "salesforce.xlsx"
    book.save(path)
    dry = _run(path, crm.ar, dry_run=True)
    assert Opportunity.objects.count() == 0 and dry.rejected == 3 and dry.created == 1
    errors = {e.row_number: e.message for e in dry.errors.filter(level="error")}
    assert "Stage: “Perception Analysis” is not a known value" in errors[2]
    assert 3 not in errors  # the Salesforce "Close Date" of a won deal is its close date
    assert "Offering line: “GTXPro” is not a known value" in errors[4]  # not "GTX Pro" silently created
    assert "No customer “Nobody Ltd”" in errors[5]
    mapping = dict(dry.mapping)
    values = {"stage": {"Perception Analysis": "O2_SHAPE"}, "offering_lines": {"GTXPro": "wlan"}}
    job = _run(path, crm.ar, mapping=mapping, value_maps=values)
    assert job.created == 2 and job.rejected == 2
    # 面议 ("to be negotiated") leaves the amount blank, and an open deal needs one: reported on its row.
    assert "Amount: " in job.errors.get(row_number=4, level="error").message
    assert Opportunity.objects.get(name="Campus refresh").stage == "O2_SHAPE"
    won = Opportunity.objects.get(name="Core DC")
    assert won.stage == "WON" and won.closed_at.date() == dt.date(2025, 1, 15) and won.offering_line.code == "dc"
    warnings = [e.message for e in job.errors.filter(level="warning")]
    assert any("“DataCenter” read as “dc”" in w for w in warnings)  # a variant spelling: reported, not silent


def test_the_cli_imports_opportunities(crm, tmp_path, capsys):
    path = tmp_path / "deals.csv"
    path.write_bytes((HEADER + "".join(ROWS)).encode("gbk"))
    assert main(["import", "opportunities", str(path), "--dry-run"]) == 0
    assert Opportunity.objects.count() == 0
    assert main(["import", "opportunities", str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1])["created"] == 3 and Opportunity.objects.count() == 3
