"""The partners app's transition tables: deal registration (domain.md 11.10), certification, MDF and incentive
accrual (11.11), each written out as the domain states it plus the moves the code adds with their reasons; the
partner, lead offer and special price request have no table in domain.md, so the code's table is pinned as the
documented behaviour. Every other move is refused (409) and writes nothing, walked on a real registration
and certification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from m2c.core.errors import ValidationFailed
from m2c.core.models import Event, Role
from m2c.partners import events, services
from m2c.partners.models import Partner, PartnerCertification
from m2c.partners.states import (
    CERTIFICATION_MACHINE,
    OFFER_MACHINE,
    PARTNER_MACHINE,
    REGISTRATION_MACHINE,
    CertificationStatus,
    OfferStatus,
    PartnerStatus,
    RegistrationStatus,
)
from m2c.partners.states_channel import (
    ACCRUAL_MACHINE,
    MDF_MACHINE,
    SPQ_MACHINE,
    AccrualStatus,
    MdfStatus,
    SpqStatus,
)
from tests.factories import UserFactory
from tests.state_tables import allowed, pairs, refusal_walk

from .conftest import register

P, C, R, OS, S, M, A = (PartnerStatus, CertificationStatus, RegistrationStatus, OfferStatus, SpqStatus, MdfStatus,
                       AccrualStatus)

# 11.10, as written.
DOMAIN_11_10 = pairs(
    (R.SUBMITTED, R.UNDER_REVIEW), (R.UNDER_REVIEW, [R.APPROVED, R.REJECTED]), (R.APPROVED, R.CONVERTED),
    ([R.APPROVED, R.CONVERTED], R.EXPIRED), (R.CONVERTED, [R.WON, R.LOST]),
)
REGISTRATION_EXTRAS = {
    (R.SUBMITTED, R.REJECTED): "refused on submission: partner not certified, or the key already held (8.2 rule 2)",
    **{(source, R.CANCELLED): "withdrawn by the partner or the channel manager, or cancelled by a blacklisting (8.3); "
                              "11.10 names CANCELLED but no move into it"
       for source in (R.SUBMITTED, R.UNDER_REVIEW, R.APPROVED, R.CONVERTED)},
}

# 11.11: "APPLIED → ACTIVE → (EXPIRING at valid_to − 90 days; notify) → RENEWED | LAPSED. An ACTIVE certification
# with a missing expert for 90 or more days moves to NON_COMPLIANT". The code has no RENEWED state: a renewal
# is a move back to ACTIVE with new dates, recorded as partners.certification.renewed.
DOMAIN_11_11_CERTIFICATION = pairs(
    (C.APPLIED, C.ACTIVE), (C.ACTIVE, C.EXPIRING), (C.EXPIRING, C.ACTIVE), (C.EXPIRING, C.LAPSED),
    (C.ACTIVE, C.NON_COMPLIANT),
)
CERTIFICATION_EXTRAS = {
    (C.ACTIVE, C.ACTIVE): "renewed before the notice window",
    (C.LAPSED, C.ACTIVE): "a lapsed certification renewed",
    (C.EXPIRING, C.NON_COMPLIANT): "an expiring certification with an expert missing for 90 days",
    (C.NON_COMPLIANT, C.ACTIVE): "compliance restored: every required expert back (guarded; the sweep, or a renewal)",
    (C.ACTIVE, C.LAPSED): "valid_to passed (the sweep lapses any live certification past it)",
    (C.NON_COMPLIANT, C.LAPSED): "valid_to passed (the sweep lapses any live certification past it)",
    **{(source, C.REVOKED): "a blacklisting revokes the partner's authorisations (8.3); with a reason"
       for source in (C.APPLIED, C.ACTIVE, C.EXPIRING, C.NON_COMPLIANT, C.LAPSED)},
}

# 11.11: "DRAFT → SUBMITTED → APPROVED/REJECTED → EXECUTED → CLAIMED → REIMBURSED or CLAIM_REJECTED".
DOMAIN_11_11_MDF = pairs(
    (M.DRAFT, M.SUBMITTED), (M.SUBMITTED, [M.APPROVED, M.REJECTED]), (M.APPROVED, M.EXECUTED),
    (M.EXECUTED, M.CLAIMED), (M.CLAIMED, [M.REIMBURSED, M.CLAIM_REJECTED]),
)

# 11.11: "ACCRUED → ELIGIBLE → PAID. Blacklisting cancels ACCRUED and ELIGIBLE accruals."
DOMAIN_11_11_ACCRUAL = pairs((A.ACCRUED, A.ELIGIBLE), (A.ELIGIBLE, A.PAID), ([A.ACCRUED, A.ELIGIBLE], A.CANCELLED))

# No table in domain.md; the code's, as documented in states.py (8.3: a blacklisting lasts 180 days at least,
# then the partner starts again as a prospect; a permanent one never ends: see the last test).
PARTNER_TABLE = pairs(
    (P.PROSPECT, P.ONBOARDING), ([P.ONBOARDING, P.SUSPENDED], P.ACTIVE), (P.ACTIVE, P.SUSPENDED),
    ([P.PROSPECT, P.ONBOARDING, P.ACTIVE, P.SUSPENDED], P.BLACKLISTED), (P.BLACKLISTED, P.PROSPECT),
)
# 8.4: a partner accepts or returns an offered lead (the channel manager may return it, the deadline does).
OFFER_TABLE = pairs((OS.OFFERED, [OS.ACCEPTED, OS.RETURNED, OS.AUTO_RETURNED]))
# 8.2 rule 6: a special price request is approved or rejected once.
SPQ_TABLE = pairs((S.PENDING, [S.APPROVED, S.REJECTED]))


def _is(table: set, extras: dict | None = None) -> set:
    assert not table & set(extras or {}), "an extra is already the domain's"
    return {(str(a), str(b)) for a, b in table | set(extras or {})}


def test_the_registration_table_is_domain_11_10_plus_its_listed_extras():
    assert allowed(REGISTRATION_MACHINE, R.values) == _is(DOMAIN_11_10, REGISTRATION_EXTRAS)
    assert REGISTRATION_MACHINE.terminal == {R.REJECTED, R.EXPIRED, R.WON, R.LOST, R.CANCELLED}


def test_the_certification_table_is_domain_11_11_plus_its_listed_extras():
    assert allowed(CERTIFICATION_MACHINE, C.values) == _is(DOMAIN_11_11_CERTIFICATION, CERTIFICATION_EXTRAS)
    assert CERTIFICATION_MACHINE.terminal == {C.REVOKED}
    # 11.11's RENEWED is the move EXPIRING → ACTIVE, recorded as a renewal.
    assert CERTIFICATION_MACHINE.find(C.EXPIRING, C.ACTIVE).event_type == events.CERTIFICATION_RENEWED


def test_the_mdf_table_is_domain_11_11():
    assert allowed(MDF_MACHINE, M.values) == _is(DOMAIN_11_11_MDF)
    assert MDF_MACHINE.terminal == {M.REJECTED, M.REIMBURSED, M.CLAIM_REJECTED}


def test_the_accrual_table_is_domain_11_11():
    assert allowed(ACCRUAL_MACHINE, A.values) == _is(DOMAIN_11_11_ACCRUAL)
    assert ACCRUAL_MACHINE.terminal == {A.PAID, A.CANCELLED}


def test_the_partner_offer_and_spq_tables_are_the_documented_ones():
    assert allowed(PARTNER_MACHINE, P.values) == _is(PARTNER_TABLE)
    assert PARTNER_MACHINE.terminal == frozenset()  # a blacklisting ends
    assert allowed(OFFER_MACHINE, OS.values) == _is(OFFER_TABLE)
    assert OFFER_MACHINE.terminal == {OS.ACCEPTED, OS.RETURNED, OS.AUTO_RETURNED}
    assert allowed(SPQ_MACHINE, S.values) == _is(SPQ_TABLE)
    assert SPQ_MACHINE.terminal == {S.APPROVED, S.REJECTED}


def test_every_registration_and_certification_move_not_in_the_table_is_refused_and_writes_nothing(channel):
    registration = register(channel, channel.p1, channel.p1_user)
    certification = PartnerCertification.objects.get(partner=channel.p1)
    context = {"reason": "walk"}
    # 81 - 13 and 36 - 16 pairs.
    assert refusal_walk(REGISTRATION_MACHINE, registration, R.values, actor=channel.cm, context=context) == 68
    assert refusal_walk(CERTIFICATION_MACHINE, certification, C.values, actor=channel.cm, context=context) == 20


def test_a_blacklisting_ends_after_its_date_and_a_permanent_one_never(db):
    """BLACKLISTED → PROSPECT (domain.md 8.3: at least 180 days, permanent blacklisting possible)."""
    cm = UserFactory(username="cm.states", roles=[Role.CHANNEL_MANAGER])
    dated = services.partner_create(actor=cm, code="dated", legal_name="限期伙伴")
    permanent = services.partner_create(actor=cm, code="forever", legal_name="永久伙伴")
    services.partner_blacklist(partner=dated, actor=cm, reason="串货")
    services.partner_blacklist(partner=permanent, actor=cm, reason="虚假报备", permanent=True)
    for partner in (dated, permanent):
        before = (Partner.objects.filter(pk=partner.pk).values().get(), Event.objects.count())
        with pytest.raises(ValidationFailed) as refused:
            services.partner_reinstate(partner=Partner.objects.get(pk=partner.pk), actor=cm, reason="期满")
        assert refused.value.code == "still_blacklisted"
        assert (Partner.objects.filter(pk=partner.pk).values().get(), Event.objects.count()) == before
    Partner.objects.filter(pk=dated.pk).update(blacklist_until=timezone.localdate() - dt.timedelta(days=1))
    assert services.partner_reinstate(partner=Partner.objects.get(pk=dated.pk), actor=cm, reason="期满").status == "PROSPECT"
