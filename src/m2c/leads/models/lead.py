"""The lead itself: where it came from, its contacts and its activities (domain.md 3.1-3.5, 10.1).

A lead carries its own normalised identity keys (normalised and core company name, credit code,
contact email and phone, company email domain, a fuzzy blocking key), each indexed, so duplicate
detection looks up a handful of candidates instead of comparing all pairs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from m2c.campaigns.models import Campaign, JourneyStage
from m2c.core.models import BudgetStatus, OfferingLine, OrgUnit, TrackedModel, currency_field, money_field
from m2c.core.money import Money
from m2c.customers.models import Contact, Customer, DecisionRole, Industry
from m2c.opportunities.models import Opportunity

from ..states import LeadStatus, Temperature


class SourceType(models.TextChoices):
    """Where a lead came from (domain.md 3.2)."""

    CAMPAIGN = "campaign", _("Campaign response")
    FIELD = "field", _("Account manager visit or field discovery")
    NETWORK_ANALYSIS = "network_analysis", _("See the network, talk the network (看网讲网)")
    PARTNER = "partner", _("Partner-submitted")
    WEB = "web", _("Inbound web or contact form")
    TENDER = "tender", _("Public tender notice")
    REFERRAL = "referral", _("Customer referral")
    INSTALLED_BASE = "installed_base", _("Installed-base expansion or renewal")
    SERVICE_DESK = "service_desk", _("Service desk (ITR)")


class Channel(models.TextChoices):
    """How the lead reached the system; every channel runs the same rules."""

    API = "api", _("API")
    BULK_API = "bulk_api", _("Bulk API")
    WEB_FORM = "web_form", _("Public web form")
    IMPORT = "import", _("File import")
    MANUAL = "manual", _("Manual entry")
    PARTNER = "partner", _("Partner API")


class InvalidReason(models.TextChoices):
    """Reason codes of the validity gate (domain.md 3.4)."""

    NO_CUSTOMER = "no_customer", _("No identifiable customer")
    NO_OFFERING_LINE = "no_offering_line", _("Need maps to no offering line")
    NO_CONTACT = "no_contact", _("No reachable contact")
    STUDENT_CONTACT = "student_contact", _("Student contact")
    COMPLIANCE_BLOCKED = "compliance_blocked", _("Customer blocked by compliance")


class DisqualifyReason(models.TextChoices):
    NO_BUDGET = "no_budget", _("No budget")
    NO_NEED = "no_need", _("No need")
    LOST_TO_COMPETITOR = "lost_to_competitor", _("Lost to a competitor before the bid")
    UNREACHABLE = "unreachable", _("Unreachable")


class Lead(TrackedModel):
    """A signal that a customer may buy an offering in some period (domain.md 3.1, 10.1)."""

    # As in TrackedModel, but indexed only where set (see Meta.indexes): imports from the command line
    # have no creator.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )

    title = models.CharField(pgettext_lazy("record", "title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.MANUAL)
    source_type = models.CharField(_("source"), max_length=20, choices=SourceType.choices, default=SourceType.FIELD)
    source_campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="sourced_leads",
        verbose_name=_("source campaign"),
        db_index=False,
    )
    # A plain id until the partners app exists; partner users see only their partner's leads.
    source_partner_id = models.UUIDField(_("source partner"), null=True, blank=True)
    # Client reference or import-row fingerprint: the same reference never creates a second lead.
    # (Migration 0004 drops PostgreSQL's varchar_pattern_ops twin of its unique index: no LIKE queries.)
    external_ref = models.CharField(_("external reference"), max_length=140, null=True, blank=True, unique=True)
    import_job = models.ForeignKey(
        "LeadImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads", verbose_name=_("import"),
        db_index=False,
    )

    # --- the customer and its identity keys ---
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="leads", verbose_name=_("customer"), db_index=False
    )
    raw_customer_name = models.CharField(_("company name as given"), max_length=255, blank=True)
    normalized_name = models.CharField(_("normalised name"), max_length=255, blank=True)
    core_name = models.CharField(_("core name"), max_length=255, blank=True)
    block_key = models.CharField(_("blocking key"), max_length=16, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    region = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="region_leads",
        verbose_name=_("region / office"),
        db_index=False,
    )
    customer_group = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="group_leads",
        verbose_name=_("customer group"),
        db_index=False,
    )

    # --- the primary contact ---
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="leads", verbose_name=_("contact"), db_index=False
    )
    contact_name = models.CharField(_("contact name"), max_length=120, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=120, blank=True)
    contact_role = models.CharField(
        _("decision role"), max_length=24, choices=DecisionRole.choices, default=DecisionRole.UNKNOWN
    )
    contact_email = models.CharField(_("contact email"), max_length=254, blank=True)
    contact_phone = models.CharField(_("contact phone (E.164)"), max_length=20, blank=True)
    email_domain = models.CharField(_("company email domain"), max_length=120, blank=True)
    consent = models.BooleanField(_("consents to be contacted"), default=False)

    # --- the need ---
    offering_lines = models.ManyToManyField(
        OfferingLine, blank=True, related_name="leads", verbose_name=_("offering lines")
    )
    description = models.TextField(_("description"), blank=True)
    journey_stage = models.CharField(
        _("buyer journey stage"), max_length=20, choices=JourneyStage.choices, default=JourneyStage.AWARENESS
    )
    budget_status = models.CharField(
        _("budget status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.UNKNOWN
    )
    budget_note = models.CharField(_("budget justification"), max_length=255, blank=True)
    budget_amount = money_field(_("budget"), null=True, blank=True)
    estimated_amount = money_field(_("estimated amount"), null=True, blank=True)
    currency = currency_field()
    expected_purchase_date = models.DateField(_("expected decision or signing date"), null=True, blank=True)
    decision_chain_known = models.BooleanField(_("decision chain identified"), default=False)
    pain_confirmed = models.BooleanField(_("pain or urgency confirmed"), default=False)
    utm = models.JSONField(_("UTM parameters"), default=dict, blank=True)

    # --- validity and score ---
    invalid_reasons = models.JSONField(_("invalid reasons"), default=list, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    temperature = models.CharField(_("temperature"), max_length=4, choices=Temperature.choices, blank=True)
    score_breakdown = models.JSONField(_("score breakdown"), default=list, blank=True)

    # --- routing and SLA ---
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_leads",
        verbose_name=_("owner"),
        db_index=False,
    )
    queue = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="queued_leads",
        verbose_name=_("queue"),
        db_index=False,
    )
    routing_rule = models.ForeignKey(
        "RoutingRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("routing rule"), db_index=False
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    previous_owner_ids = models.JSONField(_("previous assignees"), default=list, blank=True)
    sla_breaches = models.PositiveSmallIntegerField(_("SLA breaches"), default=0)

    # --- nurture ---
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    stale_alerted_at = models.DateTimeField(_("stale alert sent"), null=True, blank=True)
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_reason = models.CharField(_("review reason"), max_length=200, blank=True)

    # --- outcomes ---
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of"),
        db_index=False,
    )
    merged_into_opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="merged_leads",
        verbose_name=_("merged into opportunity"),
        db_index=False,
    )
    match = models.JSONField(_("duplicate match"), default=dict, blank=True)
    disqualify_reason = models.CharField(
        _("disqualification reason"), max_length=20, choices=DisqualifyReason.choices, blank=True
    )
    converted_opportunity = models.OneToOneField(
        Opportunity, on_delete=models.PROTECT, null=True, blank=True, related_name="source_lead",
        verbose_name=_("opportunity"),
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at"]
        # Columns that are empty on most rows are indexed only where they are set (partial indexes):
        # every index costs each new lead an insertion, and a million-row import pays it a million times.
        # ``col = value`` and ``col < value`` imply ``col IS NOT NULL``, so both databases use them.
        indexes = [
            models.Index(fields=["status", "created_at"], name="lead_status_created_idx"),
            # The identity keys of duplicate detection, looked up by equality only. Declared here rather
            # than with db_index=True, which on PostgreSQL adds a second varchar_pattern_ops index per
            # column for LIKE 'prefix%' queries that nothing runs.
            models.Index(fields=["normalized_name"], name="lead_name_idx"),
            models.Index(fields=["core_name"], name="lead_core_idx"),
            models.Index(fields=["block_key"], name="lead_block_idx"),
            models.Index(fields=["credit_code"], name="lead_code_idx"),
            models.Index(fields=["contact_email"], name="lead_email_idx"),
            models.Index(fields=["contact_phone"], name="lead_phone_idx"),
            models.Index(fields=["email_domain"], name="lead_domain_idx"),
            models.Index(fields=["owner", "status"], name="lead_owner_status_idx", condition=Q(owner__isnull=False)),
            models.Index(fields=["region", "status"], name="lead_region_status_idx", condition=Q(region__isnull=False)),
            models.Index(fields=["queue", "status"], name="lead_queue_status_idx", condition=Q(queue__isnull=False)),
            models.Index(fields=["source_campaign", "status"], name="lead_campaign_status_idx",
                         condition=Q(source_campaign__isnull=False)),
            models.Index(fields=["customer", "status"], name="lead_customer_status_idx", condition=Q(customer__isnull=False)),
            models.Index(fields=["source_partner_id"], name="lead_partner_idx", condition=Q(source_partner_id__isnull=False)),
            models.Index(fields=["import_job"], name="lead_import_idx", condition=Q(import_job__isnull=False)),
            models.Index(fields=["accept_due_at"], name="lead_accept_due_idx", condition=Q(accept_due_at__isnull=False)),
            models.Index(fields=["duplicate_of"], name="lead_duplicate_of_idx", condition=Q(duplicate_of__isnull=False)),
            models.Index(fields=["created_by"], name="lead_created_by_idx", condition=Q(created_by__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=LeadStatus.values), name="lead_status_valid"),
            models.CheckConstraint(condition=Q(score__lte=100), name="lead_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def company_name(self) -> str:
        return self.customer.legal_name if self.customer_id else self.raw_customer_name

    @property
    def estimated_money(self) -> Money | None:
        return Money(self.estimated_amount, self.currency) if self.estimated_amount is not None else None

    @property
    def budget_money(self) -> Money | None:
        return Money(self.budget_amount, self.currency) if self.budget_amount is not None else None

    @property
    def is_read_only(self) -> bool:
        from ..states import TERMINAL

        return self.status in TERMINAL

    @property
    def sla_overdue(self) -> bool:
        return bool(
            self.status == LeadStatus.ASSIGNED and self.accept_due_at and self.accept_due_at < timezone.now()
        )


class LeadContact(TrackedModel):
    """A further person of the customer's decision chain, recorded on the lead before conversion."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("lead"))
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(pgettext_lazy("person", "title"), max_length=120, blank=True)
    decision_role = models.CharField(
        _("decision role"), max_length=24, choices=DecisionRole.choices, default=DecisionRole.UNKNOWN
    )
    email = models.CharField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("lead contact")
        verbose_name_plural = _("lead contacts")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class ActivityType(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")


class LeadActivity(TrackedModel):
    """An interaction with the customer: date, type, outcome and next step (domain.md 3.5)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lead"))
    type = models.CharField(_("type"), max_length=10, choices=ActivityType.choices)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    # Set when a merge moved the activity here; undoing the merge moves it back.
    moved_from = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("moved from")
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return self.subject
