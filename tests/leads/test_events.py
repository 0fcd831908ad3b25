"""Every lead state change leaves an event: bulk capture through ``record_many``, re-scores, review flags."""

import pytest

from m2c.core import events as core_events
from m2c.core.models import Event
from m2c.leads import services
from m2c.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_record_many_checks_every_row_before_writing_any(users):
    rows = [
        {"event_type": "leads.lead.captured", "subject_type": "leads.lead", "subject_id": "a",
         "payload": {"channel": "api", "path": ["NEW"]}},
        {"event_type": "leads.lead.no_such_thing", "subject_type": "leads.lead", "subject_id": "b"},
    ]
    with pytest.raises(ValueError, match="unregistered"):
        core_events.record_many(rows)
    with pytest.raises(ValueError, match="subject"):
        core_events.record_many([{"event_type": "leads.lead.captured", "subject_type": "lead", "subject_id": "a"}])
    with pytest.raises(ValueError, match="payload"):
        core_events.record_many([{"event_type": "leads.lead.captured", "subject_type": "leads.lead", "subject_id": "a",
                                  "payload": ["not", "a", "dict"]}])
    with pytest.raises(ValueError, match="does not match its declaration"):  # the typed payload is checked too
        core_events.record_many([{"event_type": "leads.lead.captured", "subject_type": "leads.lead", "subject_id": "a",
                                  "payload": {"channel": "api"}}])
    assert not Event.objects.exists()


def test_record_many_stores_what_record_would(users):
    token = core_events.request_id_var.set("req-42")
    try:
        count = core_events.record_many([
            {"event_type": "leads.lead.captured", "subject_type": "leads.lead", "subject_id": f"id-{i}",
             "actor_id": users.marketing.pk, "payload": {"channel": "api", "path": ["NEW", "QUALIFIED"], "row": i},
             "to_state": "QUALIFIED"} for i in range(3)
        ])
    finally:
        core_events.request_id_var.reset(token)
    assert count == 3
    stored = list(Event.objects.order_by("subject_id"))
    assert [e.subject_id for e in stored] == ["id-0", "id-1", "id-2"]
    assert {(e.request_id, e.actor_id, e.to_state, e.from_state, e.reason, e.schema_version) for e in stored} == {
        ("req-42", users.marketing.pk, "QUALIFIED", "", "", 1)}
    assert stored[1].payload == {"channel": "api", "path": ["NEW", "QUALIFIED"], "row": 1}


def test_bulk_capture_writes_one_checked_event_per_lead(api, users, rules, lines):
    items = [{"customer_name": f"批量事件公司{i}", "contact_phone": f"1380013800{i}", "offering_lines": ["campus"]}
             for i in range(5)]
    body = api(users.marketing).post("/leads/bulk", {"items": items}).json()
    ids = [i["id"] for i in body["items"]]
    captured = Event.objects.filter(event_type="leads.lead.captured", subject_type="leads.lead")
    assert sorted(captured.values_list("subject_id", flat=True)) == sorted(str(i) for i in ids)
    assert all(e.actor_id == users.marketing.pk and e.to_state and e.payload["path"][0] == "NEW" for e in captured)


def test_a_merged_touch_rescores_the_survivor_with_an_event(capture, roadshow, users):
    survivor = capture(customer_name="申江大学", contact_phone="13800138000")
    before = survivor.score
    capture(customer_name="申江大学", contact_email="x@shenjiang.edu.cn", source_campaign=roadshow.code)
    survivor.refresh_from_db()
    assert survivor.score > before
    rescored = Event.objects.for_subject(survivor).get(event_type="leads.lead.rescored")
    assert rescored.payload["from"] == before and rescored.payload["to"] == survivor.score
    assert rescored.actor_id == users.marketing.pk


def test_an_unroutable_lead_is_flagged_for_review_with_an_event(capture, users, org):
    lead = capture(customer_name="无处可去公司", contact_phone="13800138000", budget_status="confirmed",
                   pain_confirmed=True, decision_chain_known=True)
    assert lead.status == "QUALIFIED" and lead.needs_review and lead.review_reason == "unrouted"
    captured = Event.objects.for_subject(lead).get(event_type="leads.lead.captured")
    assert captured.payload["review"] == "unrouted"
    services.lead_assign(lead=lead, actor=users.marketing, owner=users.ar)
    services.lead_mark_reviewed(lead=Lead.objects.get(pk=lead.pk), actor=users.marketing)
    services.lead_return(lead=Lead.objects.get(pk=lead.pk), actor=users.ar, reason="不是我的区域")
    lead.refresh_from_db()
    assert lead.status == "QUALIFIED" and lead.needs_review and lead.review_reason == "unrouted"
    flagged = Event.objects.for_subject(lead).filter(event_type="leads.lead.review_flagged")
    assert flagged.count() == 1
    assert flagged.get().payload["review_reason"] == "unrouted"
