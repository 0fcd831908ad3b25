"""The navigation: every module of the domain, in process order.

A module whose app is not built yet is listed, greyed out and marked "not available yet"; it never
links to a page that pretends to work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: object
    icon: str
    app: str | None
    url_name: str | None

    def url(self) -> str | None:
        if self.app and not apps.is_installed(f"m2c.{self.app}"):
            return None
        if not self.url_name:
            return None
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


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
            NavItem("insight", _("Market insight"), "binoculars", "insight", "insight:index"),
            NavItem("campaigns", _("Campaigns"), "megaphone", "campaigns", "campaigns:list"),
            NavItem("enablement", _("Enablement"), "mortarboard", "enablement", "enablement:index"),
            NavItem("leads", _("Leads"), "funnel", "leads", "leads:list"),
        ),
    ),
    NavSection(
        _("Lead to cash"),
        (
            NavItem("opportunities", _("Opportunities"), "kanban", "opportunities", "opportunities:board"),
            NavItem("contracts", _("Contracts"), "file-earmark-text", "contracts", "contracts:list"),
            NavItem("billing", _("Billing and cash"), "cash-coin", "billing", "billing:index"),
        ),
    ),
    NavSection(
        _("Ecosystem"),
        (
            NavItem("partners", _("Partners"), "people", "partners", "partners:list"),
            NavItem("customers", _("Customers"), "building", "customers", "customers:list"),
        ),
    ),
    NavSection(
        _("Insight"),
        (NavItem("analytics", _("Analytics"), "graph-up", "analytics", "analytics:index"),),
    ),
)


def build(active: str | None) -> list[dict]:
    sections = []
    for section in SECTIONS:
        items = []
        for item in section.items:
            url = item.url()
            items.append(
                {"key": item.key, "label": item.label, "icon": item.icon, "url": url, "available": url is not None,
                 "active": item.key == active}
            )
        sections.append({"label": section.label, "items": items})
    return sections
