"""The campaign page's response funnel in two queries equals the distinct-count reference (issue 11 item 5).

``response_overview`` reads the responses once grouped by type and state and lets the leads app count the
leads they became over a subquery; the reference is the original single aggregate with ``COUNT(DISTINCT
lead)`` over the joined rows. Same figures on a mix: one person responding three times (one lead), a
response of another campaign, pending responses inside and past the window, types mixed.
"""

import datetime as dt

import pytest
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from m2c.campaigns import selectors_responses as reads
from m2c.campaigns.models import CampaignResponse, ResponseStatus
from m2c.campaigns.services.responses import response_create, responses_convert_many
from m2c.leads.states import VALID
from tests.leads.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _reference(campaign):
    qs = CampaignResponse.objects.filter(campaign=campaign)
    return qs.aggregate(
        responses=Count("id"), leads=Count("lead", distinct=True),
        valid=Count("lead", distinct=True, filter=Q(lead__status__in=VALID)),
        opportunities=Count("lead", distinct=True, filter=Q(lead__converted_opportunity__isnull=False)),
        won=Count("lead", distinct=True, filter=Q(lead__converted_opportunity__stage="WON")),
        pending=Count("id", filter=Q(status=ResponseStatus.PENDING)),
        overdue=Count("id", filter=Q(status=ResponseStatus.PENDING, convert_due_at__lt=timezone.now())))


def test_response_overview_equals_the_distinct_count_reference(event, users, django_assert_max_num_queries):
    other = CampaignFactory(code="other-expo", name="另一场展会", status="IN_EXECUTION", org_unit=event.org_unit)
    people = [("王芳", "申江大学", "wang.fang@shenjiang.edu.cn", "13800138000"),
              ("李雷", "东海理工学院", "li.lei@donghai.edu.cn", "13900139000"),
              ("张伟", "", "", "13700137000")]
    made = []
    for kind, person in (("registration", 0), ("attendance", 0), ("meeting_request", 0), ("download", 1),
                         ("booth_visit", 2), ("callback_request", 1)):
        name, company, email, phone = people[person]
        made.append(response_create(campaign=event, type=kind, source="import", actor=users.marketing,
                                    data={"name": name, "company": company, "email": email, "phone": phone}))
    response_create(campaign=other, type="download", source="import", actor=users.marketing,
                    data={"name": "赵敏", "company": "北辰医院", "email": "zhao@beichen.cn"})
    converted = responses_convert_many([r.pk for r in made[:5]], actor=users.marketing)
    assert converted == 5
    # The last response stays pending, past its window.
    CampaignResponse.objects.filter(pk=made[5].pk).update(convert_due_at=timezone.now() - dt.timedelta(days=1))
    leads = set(CampaignResponse.objects.filter(campaign=event).exclude(lead=None).values_list("lead", flat=True))
    assert len(leads) == 3  # 王芳's three responses joined one lead
    with django_assert_max_num_queries(2):
        overview = reads.response_overview(campaign=event)
    assert overview["funnel"] == _reference(event)
    assert overview["funnel"]["responses"] == 6 and overview["funnel"]["leads"] == 3
    assert (overview["funnel"]["pending"], overview["funnel"]["overdue"]) == (1, 1)
    assert overview["types"] == {"registration": 1, "attendance": 1, "meeting_request": 1, "download": 1,
                                 "booth_visit": 1, "callback_request": 1}
    assert reads.response_type_counts(campaign=event) == overview["types"]
    assert reads.response_funnel(campaign=other) == _reference(other) and _reference(other)["leads"] == 0
    # The page and the API show the same figures.
    client = Client()
    client.cookies["m2c_language"] = "zh-hans"
    client.force_login(users.marketing)
    page = client.get(f"/campaigns/{event.pk}/")
    assert page.context["responses"]["funnel"] == overview["funnel"]
    assert page.context["responses"]["types"][0][1] == 1
