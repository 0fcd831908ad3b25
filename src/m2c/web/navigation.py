"""The navigation: every module of the domain, in process order, cut to what the user can use.

A module whose app is not built yet is listed, greyed out and marked "not available yet"; it never
links to a page that pretends to work. An item names the roles that use it: a user with none of them
(a partner user and the review queue, marketing and the approvals inbox) does not see it at all.
Administrators see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from m2c.core.models import Role

INTERNAL = frozenset(Role.values) - {Role.PARTNER}
EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object
    icon: str
    app: str | None
    url_name: str | None
    roles: frozenset[str] = EVERYONE
    child: bool = False
    query: str = ""
    also: tuple[str, ...] = ()  # more URL names of pages this item is active on (a record under its list)

    def url(self) -> str | None:
        if self.app and not apps.is_installed(f"m2c.{self.app}"):
            return None
        if not self.url_name:
            return None
        try:
            return reverse(self.url_name) + self.query
        except NoReverseMatch:
            return None

    def visible_to(self, user: Any) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser or user.has_role(Role.ADMINISTRATOR):
            return True
        return bool(user.roles & self.roles)


@dataclass(frozen=True)
class NavSection:
    label: object
    items: tuple[NavItem, ...]


SECTIONS = (
    NavSection(
        _("Overview"),
        (NavItem("home", _("Home"), "house", None, "home"),),
    ),
    NavSection(
        _("Market to lead"),
        (
            NavItem("insight", _("Market insight"), "binoculars", "insight", "insight:index", INTERNAL),
            NavItem("insight-segments", _("Segments and SPAN"), "bullseye", "insight", "insight:segments", INTERNAL,
                    child=True, also=("insight:segment-create", "insight:segment-detail", "insight:segment-edit")),
            NavItem("insight-targets", _("Target-account lists"), "crosshair", "insight", "insight:target-lists",
                    INTERNAL, child=True, also=("insight:target-list-create", "insight:target-list-detail",
                                                "insight:target-list-edit")),
            NavItem("insight-accounts", _("Key-account plans"), "person-vcard", "insight", "insight:key-accounts",
                    INTERNAL, child=True, also=("insight:key-account-create", "insight:key-account-detail",
                                                "insight:key-account-edit")),
            NavItem("insight-backlog", _("Requirement backlog"), "list-ol", "insight", "insight:backlog", INTERNAL,
                    child=True, also=("insight:requirement-raise",)),
            NavItem("campaigns", _("Campaigns"), "megaphone", "campaigns", "campaigns:list",
                    frozenset({Role.MARKETING, Role.EXECUTIVE})),
            NavItem("campaigns-plan", _("Campaign plan"), "calendar3-range", "campaigns", "campaigns:plan",
                    frozenset({Role.MARKETING, Role.EXECUTIVE}), child=True),
            NavItem("campaigns-budgets", _("Marketing budgets"), "piggy-bank", "campaigns", "campaigns:budgets",
                    frozenset({Role.MARKETING, Role.EXECUTIVE}), child=True),
            NavItem("campaigns-assets", _("Marketing assets"), "collection", "campaigns", "campaigns:assets",
                    frozenset({Role.MARKETING, Role.EXECUTIVE}), child=True),
            NavItem("campaigns-responses", _("Campaign responses"), "person-raised-hand", "campaigns",
                    "campaigns:responses", frozenset({Role.MARKETING, Role.EXECUTIVE}), child=True),
            NavItem("campaigns-nurture", _("Nurture list"), "signpost-2", "campaigns", "campaigns:nurture",
                    frozenset({Role.MARKETING, Role.EXECUTIVE}), child=True),
            NavItem("enablement", _("Enablement"), "mortarboard", "enablement", "enablement:index"),
            NavItem("leads", _("Leads"), "funnel", "leads", "leads:list"),
            NavItem("leads-mine", _("My leads"), "person-check", "leads", "leads:mine",
                    frozenset({Role.AR, Role.SR, Role.MARKETING}), child=True),
            NavItem("leads-review", _("Review queue"), "clipboard-check", "leads", "leads:review",
                    frozenset({Role.MARKETING}), child=True),
            NavItem("leads-import", _("Import leads"), "upload", "leads", "leads:import",
                    frozenset({Role.MARKETING}), child=True),
        ),
    ),
    NavSection(
        _("Lead to cash"),
        (
            NavItem("opportunities", _("Opportunities"), "kanban", "opportunities", "opportunities:board"),
            NavItem("opportunities-inbox", _("Approvals inbox"), "inbox", "opportunities", "opportunities:inbox",
                    INTERNAL - {Role.MARKETING}, child=True),
            NavItem("opportunities-reports", _("Pipeline reports"), "bar-chart", "opportunities",
                    "opportunities:reports", INTERNAL, child=True),
            NavItem("opportunities-configuration", _("Gates and authority"), "sliders", "opportunities",
                    "opportunities:configuration", frozenset({Role.DECISION_TEAM, Role.EXECUTIVE}), child=True),
            NavItem("contracts", _("Contracts"), "file-earmark-text", "contracts", "contracts:list",
                    INTERNAL - {Role.MARKETING}),
            NavItem("billing", _("Billing and cash"), "cash-coin", "billing", "billing:index",
                    frozenset({Role.FINANCE, Role.AR, Role.EXECUTIVE})),
            NavItem("billing-receipts", _("Receipts"), "bank", "billing", "billing:receipts",
                    frozenset({Role.FINANCE, Role.EXECUTIVE}), child=True),
            NavItem("billing-receivables", _("Receivables and aging"), "hourglass-split", "billing",
                    "billing:receivables", frozenset({Role.FINANCE, Role.AR, Role.EXECUTIVE}), child=True),
            NavItem("billing-workbench", _("Finance workbench"), "clipboard-data", "billing", "billing:workbench",
                    frozenset({Role.FINANCE, Role.EXECUTIVE}), child=True),
        ),
    ),
    NavSection(
        _("Ecosystem"),
        (
            NavItem("partners", _("Partners"), "people", "partners", "partners:list",
                    frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}),
                    also=("partners:detail", "partners:create")),
            NavItem("partners-registrations", _("Deal registrations"), "patch-check", "partners",
                    "partners:registrations", frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}),
                    child=True, also=("partners:registration", "partners:registration-create")),
            NavItem("partners-offers", _("Leads offered to partners"), "inbox", "partners", "partners:offers",
                    frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}), child=True),
            NavItem("partners-spq", _("Special price requests"), "tag", "partners", "partners:spq",
                    frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}), child=True),
            NavItem("partners-mdf", _("Market development funds"), "megaphone", "partners", "partners:mdf",
                    frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}), child=True,
                    also=("partners:mdf-detail",)),
            NavItem("partners-incentives", _("Incentives"), "cash-coin", "partners", "partners:incentives",
                    frozenset({Role.CHANNEL_MANAGER, Role.PARTNER, Role.EXECUTIVE}), child=True),
            NavItem("partners-performance", _("Partner performance"), "bar-chart", "partners", "partners:performance",
                    frozenset({Role.CHANNEL_MANAGER, Role.EXECUTIVE}), child=True),
            NavItem("customers", _("Customers"), "building", "customers", "customers:list", INTERNAL),
        ),
    ),
    NavSection(
        _("Insight"),
        (NavItem("analytics", _("Analytics"), "graph-up", "analytics", "analytics:index", INTERNAL),),
    ),
    # Configuration business users keep on pages of the app (issue 9 item 8). The services allow only
    # administrators to change these today, so only administrators see the items (roles left empty).
    NavSection(
        _("Settings"),
        (
            NavItem("settings-bodies", _("Decision bodies"), "people", "opportunities", "opportunities:config-bodies",
                    frozenset(), also=("opportunities:config-body",)),
            NavItem("settings-matrix", _("Authority matrix"), "diagram-3", "opportunities", "opportunities:config-matrix",
                    frozenset()),
            NavItem("settings-price-lists", _("Price lists"), "tags", "opportunities", "opportunities:config-price-lists",
                    frozenset(), also=("opportunities:config-price-list",)),
            NavItem("settings-products", _("Products"), "box-seam", "opportunities", "opportunities:config-products",
                    frozenset(), also=("opportunities:config-product",)),
            NavItem("settings-routing", _("Routing rules"), "signpost-split", "leads", "leads:routing-rules",
                    frozenset(), also=("leads:routing-rule", "leads:routing-rule-create")),
            NavItem("settings-territories", _("Territories"), "map", "customers", "customers:territories",
                    frozenset(), also=("customers:territory",)),
        ),
    ),
)


def _active_key(match: Any) -> str | None:
    """The menu key of the page being shown: the most specific item whose URL name matches."""
    if match is None:
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    for section in SECTIONS:
        for item in section.items:
            if (item.child and item.url_name == name) or name in item.also:
                return item.key
            if item.key.startswith("settings-") and item.url_name == name:
                return item.key
    return match.namespace or match.url_name


def build(active: Any, user: Any = None) -> list[dict]:
    """The menu for ``user``: sections without a usable item are dropped.

    ``active`` is the request's resolver match (or a menu key, for callers that know it).
    """
    key = active if isinstance(active, str) or active is None else _active_key(active)
    sections = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            if user is not None and not item.visible_to(user):
                continue
            url = item.url()
            if item.child and url is None:
                continue
            items.append(
                {"key": item.key, "label": item.label, "icon": item.icon, "url": url, "available": url is not None,
                 "active": item.key == key, "child": item.child}
            )
        if items:
            sections.append({"label": section.label, "items": items})
    return sections


def can_use(user: Any, key: str) -> bool:
    """Whether the menu item ``key`` is shown to ``user`` (homes link only to what the menu offers)."""
    for section in SECTIONS:
        for item in section.items:
            if item.key == key:
                return item.visible_to(user) and item.url() is not None
    return False
