"""Issue 9 item 2 (leads part): corrected INVALID leads are re-validated; campaign responses take its lines."""

import pytest

from m2c.core.errors import Conflict, InvalidTransition
from m2c.core.models import Event
from m2c.leads import services
from m2c.leads.models import Lead
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

HOT = {"budget_status": "confirmed", "pain_confirmed": True, "decision_chain_known": True, "industry": "education"}


def test_a_corrected_invalid_lead_goes_through_the_gate_again(capture, users, org):
    lead = capture(customer_name="申江大学", offering_lines=[], contact_phone="13800138000", **HOT)
    assert lead.status == "INVALID" and lead.invalid_reasons == ["no_offering_line"]
    done = services.lead_revalidate(lead=lead, actor=users.marketing, changes={"offering_lines": ["campus"]})
    assert done.status == "ASSIGNED" and done.invalid_reasons == []
    assert list(done.offering_lines.values_list("code", flat=True)) == ["campus"]
    moves = list(Event.objects.for_subject(done).order_by("id").values_list("event_type", "from_state", "to_state"))
    assert ("leads.lead.revalidated", "INVALID", "VALIDATING") in moves
    assert moves.index(("leads.lead.revalidated", "INVALID", "VALIDATING")) > [m[0] for m in moves].index("leads.lead.updated")
    assert moves[-1][2] == "ASSIGNED"


def test_a_correction_that_still_fails_stays_invalid_with_the_new_reasons(capture, users):
    lead = capture(customer_name="申江大学", offering_lines=[])
    assert set(lead.invalid_reasons) == {"no_offering_line", "no_contact"}
    done = services.lead_revalidate(lead=lead, actor=users.marketing, changes={"offering_lines": ["campus"]})
    assert done.status == "INVALID" and done.invalid_reasons == ["no_contact"]


def test_a_corrected_name_links_the_stored_customer(capture, users, org):
    customer = CustomerFactory(legal_name="申江理工大学", normalized_name="申江理工大学", org_unit=org.shanghai)
    lead = capture(contact_phone="13800138000", offering_lines=["campus"])
    assert lead.status == "INVALID" and "no_customer" in lead.invalid_reasons
    done = services.lead_revalidate(lead=lead, actor=users.marketing, changes={"customer_name": "申江理工大学"})
    assert done.customer_id == customer.pk and done.status != "INVALID"


@pytest.mark.parametrize(("field", "value", "reason"), [("contact_title", "研究生", "student_contact")])
def test_student_leads_stay_closed(capture, users, field, value, reason):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **{field: value})
    assert reason in lead.invalid_reasons
    with pytest.raises(Conflict) as refused:
        services.lead_revalidate(lead=lead, actor=users.marketing, changes={field: "信息中心主任"})
    assert refused.value.code == "lead_not_fixable"
    lead.refresh_from_db()
    assert lead.status == "INVALID" and lead.contact_title == value
    assert not Event.objects.for_subject(lead).filter(event_type__in=["leads.lead.revalidated", "leads.lead.updated"]).exists()


def test_compliance_blocked_leads_stay_closed(capture, users, org):
    CustomerFactory(legal_name="受限公司", normalized_name="受限公司", compliance_status="blocked", org_unit=org.shanghai)
    lead = capture(customer_name="受限公司", contact_phone="13800138000")
    assert "compliance_blocked" in lead.invalid_reasons
    with pytest.raises(Conflict):
        services.lead_revalidate(lead=lead, actor=users.marketing)
    assert Lead.objects.get(pk=lead.pk).status == "INVALID"


def test_only_invalid_leads_are_revalidated(capture, users):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", **HOT)
    with pytest.raises(InvalidTransition):
        services.lead_revalidate(lead=lead, actor=users.marketing)


def test_bulk_revalidation_over_the_api(api, capture, users, lines):
    fixed = [capture(customer_name=f"批量修正{i}", offering_lines=[], contact_phone=f"1380013800{i}") for i in range(3)]
    student = capture(customer_name="学生公司", contact_phone="13900139000", contact_title="学生")
    for lead in fixed:  # corrected one by one on the page, then re-validated together
        Lead.objects.filter(pk=lead.pk).update(invalid_reasons=["no_offering_line"])
        lead.offering_lines.set([lines.campus])
    body = api(users.marketing).post("/leads/revalidate", {"ids": [str(x.pk) for x in [*fixed, student]]}).json()
    by_id = {item["id"]: item for item in body}
    assert [by_id[str(x.pk)]["result"] for x in fixed] == ["revalidated"] * 3
    assert all(by_id[str(x.pk)]["status"] != "INVALID" for x in fixed)
    assert by_id[str(student.pk)] | {"detail": None} == {
        "id": str(student.pk), "result": "refused", "code": "lead_not_fixable", "status": None, "invalid_reasons": [],
        "detail": None}
    assert Event.objects.filter(event_type="leads.lead.revalidated").count() == 3


def test_revalidate_one_over_the_api_with_corrections(api, capture, users):
    lead = capture(customer_name="申江大学", offering_lines=[], contact_phone="13800138000", **HOT)
    response = api(users.marketing).post(f"/leads/{lead.pk}/revalidate", {"offering_lines": ["campus"]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ASSIGNED"


def test_a_response_without_offering_lines_takes_its_campaigns(capture, roadshow):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=None,
                   source_campaign=roadshow.code)
    assert lead.status != "INVALID"
    assert sorted(lead.offering_lines.values_list("code", flat=True)) == ["campus", "wlan"]


def test_named_offering_lines_win_over_the_campaigns(capture, roadshow):
    lead = capture(customer_name="申江大学", contact_phone="13800138000", offering_lines=["dc"],
                   source_campaign=roadshow.code)
    assert list(lead.offering_lines.values_list("code", flat=True)) == ["dc"]


IMPORT_HEADER = "公司名称,联系人,手机,邮箱,省份,行业"
IMPORT_ROWS = [
    ("上海华信燃气有限公司", "张三", "13800138000", "zs@huaxin-gas.com", "上海", "能源"),
    ("杭州博远大学", "李四", "13900139001", "ls@boyuan.edu.cn", "浙江", "教育"),
]


def _import_file(tmp_path, name, *, lines=None, actor, **options):
    from m2c.leads import importer

    header = IMPORT_HEADER + (",意向产品" if lines else "")
    body = [",".join(row + ((lines[i],) if lines else ())) for i, row in enumerate(IMPORT_ROWS)]
    path = tmp_path / name
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    counts, _mapping, _job = importer.run(path, actor=actor, **options)
    return counts


def test_a_corrected_file_updates_the_invalid_leads_instead_of_adding_others(users, lines, rules, org, tmp_path):
    """Issue 9 item 2: invalid leads take part in duplicate detection, so the corrected file re-validates them."""
    first = _import_file(tmp_path, "plain.csv", actor=users.marketing)
    assert (first.created, first.invalid) == (2, 2)
    invalid = {lead.pk: lead for lead in Lead.objects.all()}
    assert {lead.status for lead in invalid.values()} == {"INVALID"}
    assert all(lead.invalid_reasons == ["no_offering_line"] for lead in invalid.values())

    second = _import_file(tmp_path, "corrected.csv", lines=["campus", "wlan"], actor=users.marketing)
    assert second.rows == 2 and second.rejected == 0
    assert Lead.objects.count() == 2 and set(Lead.objects.values_list("pk", flat=True)) == set(invalid)
    for lead in Lead.objects.all():
        assert lead.status not in ("INVALID", "DUPLICATE") and lead.invalid_reasons == []
        assert lead.offering_lines.exists()
        moves = list(Event.objects.for_subject(lead).values_list("event_type", "from_state", "to_state"))
        assert ("leads.lead.revalidated", "INVALID", "VALIDATING") in moves


def test_a_changed_mapping_with_a_default_line_updates_the_invalid_leads(users, lines, rules, org, tmp_path):
    """The same file again, now with the import's default offering line: the two leads, valid; none added."""
    from m2c.leads import importer

    _import_file(tmp_path, "plain.csv", actor=users.marketing)
    before = set(Lead.objects.values_list("pk", flat=True))
    _import_file(tmp_path, "plain-again.csv", actor=users.marketing, defaults={importer.DEFAULT_LINE: "campus"})
    assert set(Lead.objects.values_list("pk", flat=True)) == before
    assert not Lead.objects.filter(status="INVALID").exists()
    assert set(Lead.objects.values_list("offering_lines__code", flat=True)) == {"campus"}
