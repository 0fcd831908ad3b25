"""The segment and target-list API: a segment built, sized, rated and scored end to end; scoping; errors."""

from __future__ import annotations

from tests.factories import CustomerFactory


def test_segment_through_the_api(org, users, lines, api):
    mkt = api(users.marketing)
    assert mkt.post("/market-competitors", {"name": "竞争对手甲"}).status_code == 201
    r = mkt.post("/segments", {"code": "edu-east", "name": "华东高校园区网", "industry": "education",
                               "region": "east", "offering_line": "campus", "expected_revenue": "20000000",
                               "gross_margin_pct": "30"})
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    r = mkt.post(f"/segments/{sid}/sizing", {"period": "2026", "tam": "900000000", "sam": "300000000",
                                             "share_pct": "18", "competitor_shares": {"竞争对手甲": "35"}})
    assert r.status_code == 200, r.content
    assert r.json()["competitor_shares"] == [{"competitor": "竞争对手甲", "share_pct": "35.00"}]
    r = mkt.post(f"/segments/{sid}/ratings", {"scores": {"market_size": 4, "growth": 5, "profit_potential": 2,
                                                         "strategic_value": 3, "differentiation": 3,
                                                         "cost_advantage": 3}})
    body = r.json()
    assert (body["attractiveness"], body["position"], body["quadrant"]) == ("3.40", "3.00", "grow")
    r = mkt.post(f"/segments/{sid}/appeals", {"scores": {"price": "3", "performance": "4"}})
    r = mkt.post(f"/segments/{sid}/appeals", {"competitor": "竞争对手甲", "scores": {"price": "4.5"}})
    assert r.json()["appeals"]["gaps"] == [{"factor": "price", "competitor": "竞争对手甲", "theirs": "4.5",
                                            "ours": "3.0", "gap": "1.5"}]
    r = mkt.post(f"/segments/{sid}/prioritise", {"note": "过财务门槛"})
    assert r.status_code == 200 and r.json()["status"] == "PRIORITISED"
    r = mkt.post(f"/segments/{sid}/prioritise", {})
    assert r.status_code == 409
    listed = mkt.get("/segments").json()
    assert [s["code"] for s in listed["items"]] == ["edu-east"] and listed["items"][0]["sam"]["amount"] == "300000000.0000"


def test_bad_input_names_the_field_and_writes_nothing(org, users, lines, api):
    mkt = api(users.marketing)
    r = mkt.post("/segments", {"code": "x", "name": "", "industry": "space", "region": "east",
                               "offering_line": "campus"})
    assert r.status_code in (400, 422)
    assert {e["field"] for e in r.json()["errors"]} >= {"name", "industry"}
    r = mkt.post("/segments", {"code": "x", "name": "n", "industry": "education", "region": "east",
                               "offering_line": "campus", "expected_revenue": 1.5})
    assert r.status_code == 422
    assert mkt.get("/segments").json()["count"] == 0


def test_outsiders_see_no_segment_or_list(org, users, lines, api):
    mkt = api(users.marketing)
    sid = mkt.post("/segments", {"code": "edu-east", "name": "华东高校", "industry": "education", "region": "east",
                                 "offering_line": "campus"}).json()["id"]
    CustomerFactory(org_unit=org.shanghai)
    tid = mkt.post("/target-lists", {"name": "华东高校名单", "segment": sid}).json()["id"]
    assert mkt.post(f"/target-lists/{tid}/refresh").json()["member_count"] == 1
    assert mkt.get(f"/target-lists/{tid}/members").json()["count"] == 1
    for outsider in (users.ar_north, users.partner):
        client = api(outsider)
        assert client.get("/segments").json()["count"] == 0
        assert client.get(f"/segments/{sid}").status_code == 404
        assert client.get("/target-lists").json()["count"] == 0
        assert client.get(f"/target-lists/{tid}/members").status_code == 404
        assert client.post(f"/target-lists/{tid}/refresh").status_code == 404
    assert api(users.finance).get(f"/segments/{sid}").status_code == 200  # East finance sees the East segment
    assert api(users.finance).post(f"/segments/{sid}/ratings", {"scores": {"growth": 3}}).status_code == 403


def test_span_configuration_through_the_api(org, users, lines, api):
    criteria = api(users.marketing).get("/span-criteria").json()
    assert [(c["code"], c["weight"]) for c in criteria if c["axis"] == "position"] == [
        ("differentiation", "3.00"), ("cost_advantage", "2.00")]
    r = api(users.marketing).post("/span-criteria/channel_reach", {"axis": "position", "name": "渠道覆盖",
                                                                   "weight": "1"})
    assert r.status_code == 200 and r.json()["weight"] == "1.00"
    assert api(users.marketing).post("/span-settings", {"midpoint": "3.5"}).status_code == 403
    r = api().post("/span-settings", {"midpoint": "3.5", "gate_min_revenue": "10000000", "gate_currency": "CNY"})
    assert r.json() == {"midpoint": "3.50", "gate_min_revenue": {"amount": "10000000.0000", "currency": "CNY"},
                        "gate_min_margin_pct": "0.00"}
    r = api().post("/span-settings", {"midpoint": "6"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "midpoint"
