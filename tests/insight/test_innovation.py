"""Joint innovation projects: milestones, participants, outputs and the requirements they raise into the loop."""

from __future__ import annotations

import datetime as dt

import pytest

from m2c.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from m2c.insight import selectors, services


@pytest.fixture
def project(deal):
    return services.innovation_create(actor=deal.ar, name="宿舍高密 Wi-Fi 7", customer=deal.customer,
                                      offering_line=deal.lines.campus, objective="验证 2000 终端/楼层",
                                      starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 6, 30))


def test_a_project_runs_to_its_outputs(project, deal, users):
    assert project.number.startswith("JI-") and project.org_unit == deal.customer.org_unit
    project = services.innovation_start(project=project, actor=deal.ar)
    m = services.innovation_milestone_add(project=project, actor=deal.ar, name="样板楼层部署",
                                          due_on=dt.date(2027, 3, 1))
    services.innovation_milestone_done(milestone=m, actor=deal.ar, done_on=dt.date(2027, 2, 27))
    services.innovation_participant_add(project=project, actor=deal.ar, side="ours", user=deal.sr, role="方案")
    services.innovation_participant_add(project=project, actor=deal.ar, side="customer", name="陈晓")
    services.innovation_output_add(project=project, actor=deal.ar, kind="reference_case", title="宿舍样板点")
    rr = services.innovation_raise_requirement(project=project, actor=deal.ar, title="高密调度",
                                               description="2000 终端/楼层调度")
    assert (rr.source_type, rr.source_id, rr.customer, rr.offering_line) == (
        "joint_innovation", project.pk, deal.customer, deal.lines.campus)
    assert list(selectors.innovation_requirements(project)) == [rr]
    # The SR participates: the project is in their view; the North AR sees nothing.
    assert list(selectors.innovation_queryset(deal.sr)) == [project]
    assert not selectors.innovation_queryset(users.ar_north).exists()
    project = services.innovation_complete(project=project, actor=deal.ar)
    with pytest.raises(ValidationFailed):
        services.innovation_milestone_add(project=project, actor=deal.ar, name="x", due_on=dt.date(2027, 7, 1))
    with pytest.raises(InvalidTransition):
        services.innovation_start(project=project, actor=deal.ar)


def test_bad_input_and_permission(project, deal, users):
    with pytest.raises(ValidationFailed) as exc:
        services.innovation_create(actor=deal.ar, name="", customer=deal.customer, offering_line=None,
                                   objective="x", starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 1, 1))
    assert {e["field"] for e in exc.value.errors} == {"name", "offering_line", "ends_on"}
    with pytest.raises(PermissionDenied):
        services.innovation_update(project=project, actor=users.ar_north, name="x")


def test_pages(project, deal, users, client):
    client.force_login(deal.ar)
    url = f"/insight/innovation/{project.pk}/"
    client.post(url, {"action": "start"})
    client.post(url, {"action": "output", "kind": "asset", "title": "联合白皮书", "reference": "DOC-1"})
    client.post(url, {"action": "requirement", "title": "高密调度", "description": "缺口", "urgency": "high"})
    page = client.get(url).content.decode()
    assert "联合白皮书" in page and "高密调度" in page and 'id="innovation-requirements"' in page
    client.force_login(users.ar_north)
    assert client.get(url).status_code == 404


def test_api_for_innovation_reports_and_centers(api, deal, users, org):
    body = api(deal.ar).post("/innovation-projects", {"name": "Wi-Fi 7 lab", "customer": str(deal.customer.pk),
                                                      "offering_line": "campus", "objective": "Prove density"})
    assert body.status_code == 201, body.json()
    pid = body.json()["id"]
    assert api(deal.ar).post(f"/innovation-projects/{pid}/start").json()["status"] == "ACTIVE"
    body = api(deal.ar).post(f"/innovation-projects/{pid}/milestones", {"name": "Pilot", "due_on": "2027-03-01"})
    assert [m["name"] for m in body.json()["milestones"]] == ["Pilot"]
    assert api(users.ar_north).get(f"/innovation-projects/{pid}").status_code == 404

    report = api(users.marketing).post("/insight-reports", {"title": "Trends", "report_type": "industry",
                                                             "org_unit": "east", "look_trends": "Wi-Fi 7"})
    assert report.status_code == 201, report.json()
    rid = report.json()["id"]
    refused = api(users.marketing).post(f"/insight-reports/{rid}/publish")
    assert refused.status_code == 409 and {e["field"] for e in refused.json()["errors"]} >= {"decide_goals"}
    api(users.marketing).patch(f"/insight-reports/{rid}", dict.fromkeys(("look_market", "look_competitors", "look_self", "look_opportunities", "decide_control_points", "decide_goals", "decide_strategy"), "done"))
    assert api(users.marketing).post(f"/insight-reports/{rid}/publish").json()["status"] == "PUBLISHED"
    assert api(users.ar_north).get(f"/insight-reports/{rid}").status_code == 404
    assert api(users.ar_north).get("/centers").json() == []
