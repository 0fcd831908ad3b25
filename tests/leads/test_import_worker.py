"""The lead import with its rows prepared in a worker process: the same leads, events and errors as in process."""

import multiprocessing
import signal
from pathlib import Path

import pytest
from django.db import transaction

from m2c.core.imports import pipeline
from m2c.core.models import Event
from m2c.leads import importer
from m2c.leads.models import Lead, LeadImport

pytestmark = pytest.mark.django_db

HEADER = "公司名称,联系人,手机,邮箱,省份,行业,意向产品,预算,预计采购时间,活动,备注\n"


def _rows() -> list[str]:
    rows = []
    for i in range(60):
        line = ("campus", "wlan", "dc")[i % 3]
        rows.append(f"华东{i:03d}精密制造有限公司,联系人{i},1380013{i:04d},c{i}@east{i}.com.cn,上海,制造,{line},{100 + i}万,"
                    f"2027-0{1 + i % 9}-01,,\n")
    rows += [
        # Duplicates of earlier rows, as people re-type them: merged into the first.
        "华东001精密制造股份有限公司,联系人1,13800130001,,上海,制造,wlan,,,,\n",
        " 华东002 精密制造 有限公司 ,另一位,13900000002,x@east2.com.cn,上海,制造,dc,,,,\n",
        # Broken rows: rejected with their reasons.
        "坏电话有限公司,王五,12345,,上海,制造,campus,,,,\n",
        "坏邮箱有限公司,赵六,13800000009,someone@,上海,制造,campus,,,,\n",
        "未知产品有限公司,钱七,13800000010,,上海,制造,quantum,,,,\n",
        # A placeholder: stored with a warning.
        "面议预算有限公司,孙八,13800000011,,浙江,金融,dc,面议,,,\n",
        # A campaign the worker cannot look up itself (it has no database): prepared by the importing process.
        "路演客户有限公司,周九,13800000012,,上海,教育,,,,smart-campus-roadshow,\n",
        "没有活动有限公司,吴十,13800000013,,上海,教育,campus,,,no-such-campaign,\n",
        # No offering line at all: created invalid.
        "无产品线有限公司,郑十一,13800000014,,北京,政府,,,,,\n",
        "另一家无产品线有限公司,冯十二,13800000015,,北京,政府,,,,,需要升级\n",
        # The same row twice in one file: the second is a replay of the first.
        "重复行有限公司,陈十三,13800000016,,广东,零售,dc,,,,\n",
        "重复行有限公司,陈十三,13800000016,,广东,零售,dc,,,,\n",
    ]
    return rows


def _import(path: Path, actor, *, worker: bool, settings) -> tuple[dict, list, list, list]:
    settings.M2C_IMPORT_WORKER = worker
    settings.M2C_IMPORT_WORKER_MIN_ROWS = 0
    settings.M2C_IMPORT_CHUNK = 20  # several committed chunks, the last one partial
    counts, _mapping, job = importer.run(path, actor=actor)
    refs = dict(Lead.objects.values_list("id", "external_ref"))

    def name(value):
        return refs.get(value, "-" if value else None)

    leads = sorted(
        (row["external_ref"], row["status"], row["raw_customer_name"], name(row["duplicate_of_id"]), row["customer_id"],
         row["owner_id"], row["queue_id"], row["score"], row["temperature"], tuple(row["invalid_reasons"]),
         row["needs_review"], row["review_reason"], row["title"], row["contact_phone"], row["region_id"],
         row["customer_group_id"], str(row["budget_amount"]), row["source_campaign_id"],
         tuple(sorted(str(x) for x in Lead.objects.get(pk=row["id"]).offering_lines.values_list("code", flat=True))))
        for row in Lead.objects.filter(import_job_id=job.pk).values()
    )
    events = sorted(
        (e.event_type, refs.get(__import__("uuid").UUID(e.subject_id)) if e.subject_type == "leads.lead" else e.subject_type,
         e.to_state, tuple(e.payload.get("path", ())), e.payload.get("row"), (e.payload.get("route") or {}).get("how"),
         e.payload.get("review"), str(e.payload.get("lines_inferred")), (e.payload.get("match") or {}).get("score"))
        for e in Event.objects.filter(event_type__startswith="leads.lead")
    )
    errors = sorted(job.errors.values_list("row_number", "field", "message", "level"))
    return counts.as_dict(), leads, events, errors


def test_the_worker_process_gives_exactly_the_in_process_result(users, lines, rules, org, roadshow, tmp_path, settings):
    path = tmp_path / "leads.csv"
    path.write_bytes((HEADER + "".join(_rows())).encode())
    with transaction.atomic():
        in_process = _import(path, users.marketing, worker=False, settings=settings)
        transaction.set_rollback(True)
    assert Lead.objects.count() == 0
    with_worker = _import(path, users.marketing, worker=True, settings=settings)
    counts = in_process[0]

    assert counts == {"rows": 72, "created": 65, "merged": 3, "invalid": 2, "rejected": 4}
    assert with_worker[0] == counts
    assert with_worker[1] == in_process[1]  # every stored lead, column by column
    assert with_worker[2] == in_process[2]  # every event, with its path, route and match
    assert with_worker[3] == in_process[3]  # every row error and warning, word for word
    assert any(lead[17] == roadshow.pk for lead in with_worker[1])  # the campaign row, prepared here
    assert multiprocessing.active_children() == []


def test_a_killed_worker_fails_the_import_which_then_resumes_with_nothing_lost_or_doubled(users, lines, rules, org, tmp_path,
                                                                                         settings):
    rows = [f"断点{i:04d}有限公司,联系人{i},136{i:08d},c{i}@dp{i}.cn,,,campus,,,,\n" for i in range(3000)]
    path = tmp_path / "big.csv"
    path.write_bytes((HEADER + "".join(rows)).encode())
    settings.M2C_IMPORT_WORKER = True
    settings.M2C_IMPORT_WORKER_MIN_ROWS = 0
    settings.M2C_IMPORT_CHUNK = 50

    def kill_the_worker(done: int) -> None:
        if done == 100:
            (worker,) = multiprocessing.active_children()
            worker.kill()
            worker.join()

    job = importer.create_job(path, actor=users.marketing)
    with pytest.raises(pipeline.WorkerFailed, match="stopped before the end of the file"):
        importer.run(path, actor=users.marketing, job=job, progress=kill_the_worker)
    job.refresh_from_db()
    assert job.status == "failed" and "resume the import" in job.message
    assert 100 <= job.processed < 3000 and Lead.objects.count() == job.processed  # the committed chunks only
    # Resumed (the worker again), from the cursor:
    counts, _mapping, job = importer.run(path, actor=users.marketing, job=job)
    job.refresh_from_db()
    assert (job.status, job.processed, job.created, job.merged, job.rejected) == ("done", 3000, 3000, 0, 0)
    assert Lead.objects.count() == Lead.objects.values("external_ref").distinct().count() == 3000
    assert LeadImport.objects.count() == 1 and multiprocessing.active_children() == []
    assert signal.SIGKILL  # the kill above is a real SIGKILL of the worker process
