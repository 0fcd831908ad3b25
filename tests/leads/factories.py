"""Shallow factories for the leads tests; leads themselves are captured through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from m2c.campaigns.models import Campaign


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.LazyAttribute(lambda o: f"Campaign {o.code}")
    level = "regional"
    journey_stage = "evaluation"
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=3))
    end_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))
    status = "IN_EXECUTION"
    target_valid_leads = 0
    actual_spend = Decimal(0)
