"""Customer import (migration from another CRM), a client of the shared import engine.

Each row names an account (legal name, credit code, industry, region/office, owner) and optionally one
contact. The account goes through identity resolution first (:func:`resolve`, the one place to switch
to ``customer_resolve`` when it exists), so a second spelling of a known customer updates it instead of
creating a second one; re-importing a file creates nothing twice. Coded values (industry, tier, org
unit, owner) must be known or mapped in the value map: an unknown value is reported on its row.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core import events as core_events
from m2c.core.errors import ValidationFailed
from m2c.core.imports.mapping import BOOL, CODE, Field, Schema, labels_both
from m2c.core.models import OrgUnit, Role, User

from . import services
from .models import Contact, Customer, Industry, Tier


class CustomerImported(core_events.EventPayload):
    """One imported row: the file it came from, what it did (created, updated, merged) and the source system's id."""

    file: str
    outcome: str
    external_id: str = ""


CUSTOMER_IMPORTED = core_events.register("customers.customer.imported", gettext_lazy("Customer imported"), CustomerImported)
ROLES = (Role.MARKETING, Role.AR, Role.SR, Role.FINANCE)

INDUSTRY_SYNONYMS = {
    "education": ["教育", "高校", "学校", "大学", "edu"], "government": ["政府", "政务", "公共事业", "public sector", "gov"],
    "finance": ["金融", "银行", "保险", "证券", "banking", "financial services", "insurance"],
    "healthcare": ["医疗", "医院", "卫生", "health", "hospital", "medical"],
    "manufacturing": ["制造", "制造业", "工业", "industrial"], "energy": ["能源", "电力", "燃气", "utilities", "power"],
    "transport": ["交通", "物流", "运输", "logistics", "transportation"],
    "telecom": ["运营商", "电信", "通信", "telecommunications", "carrier"], "retail": ["零售", "商超", "consumer"],
    "internet": ["互联网", "科技", "technology", "tech", "software", "it"], "other": ["其他", "其它", "others"],
}


def _industries() -> dict[str, list[str]]:
    words = labels_both(Industry)
    for code, extra in INDUSTRY_SYNONYMS.items():
        words.setdefault(code, []).extend(extra)
    return words


def org_unit_words() -> dict[str, list[str]]:
    return {u.code: [u.name, getattr(u, "name_en", "") or "", getattr(u, "name_zh", "") or ""]
            for u in OrgUnit.objects.filter(active=True)}


def user_words() -> dict[str, list[str]]:
    return {u.username: [u.display_name, u.email, u.get_full_name()] for u in User.objects.filter(is_active=True)}


SCHEMA = Schema([
    Field("legal_name", gettext_lazy("Legal name"), ("公司名称", "客户名称", "单位名称", "企业名称", "客户", "公司", "account",
          "accountname", "company", "companyname", "customer", "customername", "organization", "legalname")),
    Field("credit_code", gettext_lazy("Unified social credit code"), ("统一社会信用代码", "信用代码", "社会信用代码", "税号",
          "creditcode", "uscc", "taxid")),
    Field("industry", gettext_lazy("Industry"), ("行业", "所属行业", "industry", "sector", "vertical"), CODE, _industries),
    Field("tier", gettext_lazy("Tier"), ("客户等级", "客户级别", "等级", "tier", "accounttier", "segment"), CODE,
          lambda: labels_both(Tier)),
    Field("province", gettext_lazy("Province"), ("省份", "省", "所在省份", "province", "state", "billingstate")),
    Field("city", gettext_lazy("City"), ("城市", "市", "所在城市", "city", "billingcity")),
    Field("address", gettext_lazy("Address"), ("地址", "详细地址", "address", "billingstreet", "street")),
    Field("website", gettext_lazy("Website"), ("网站", "官网", "网址", "website", "web", "url")),
    Field("org_unit", gettext_lazy("Region / office"), ("区域", "大区", "办事处", "代表处", "所属区域", "region", "office",
          "territory", "orgunit"), CODE, org_unit_words),
    Field("ar_owner", gettext_lazy("Owner (AR)"), ("客户经理", "负责人", "所有人", "客户负责人", "owner", "accountowner", "ar",
          "accountmanager"), CODE, user_words),
    Field("contact_name", gettext_lazy("Contact name"), ("联系人", "联系人姓名", "姓名", "contact", "contactname", "name")),
    Field("contact_title", gettext_lazy("Contact title"), ("职位", "职务", "title", "jobtitle", "position")),
    Field("contact_phone", gettext_lazy("Contact phone"), ("手机", "手机号", "电话", "联系电话", "mobile", "phone", "telephone")),
    Field("contact_email", gettext_lazy("Contact email"), ("邮箱", "电子邮箱", "email", "emailaddress", "mail")),
    Field("consent_email", gettext_lazy("Consents to email"), ("同意邮件", "consentemail", "emailoptin"), BOOL),
    Field("consent_phone", gettext_lazy("Consents to calls"), ("同意电话", "consentphone", "phoneoptin"), BOOL),
    Field("contact_language", gettext_lazy("Contact language"), ("语言", "联系人语言", "沟通语言", "language", "lang",
          "preferredlanguage", "contactlanguage")),
    Field("do_not_email", gettext_lazy("Do not email"), ("不发邮件", "拒收邮件", "donotemail", "emailoptout"), BOOL),
    Field("do_not_call", gettext_lazy("Do not call"), ("勿电话", "拒接电话", "donotcall", "calloptout"), BOOL),
    Field("external_id", gettext_lazy("External id"), ("编号", "客户编号", "外部编号", "id", "accountid", "externalid")),
], need_one_of=("legal_name",), strict_codes=True)

CUSTOMER_KEYS = ("legal_name", "credit_code", "industry", "tier", "province", "city", "address", "website", "org_unit",
                 "ar_owner")


def resolve(*, legal_name: str, credit_code: str) -> Customer | None:
    """Identity resolution for imported accounts: the one call to switch to ``customers.customer_resolve``."""
    return services.customer_find_existing(legal_name=legal_name, credit_code=credit_code)


class CustomerClient:
    kind = "customers"
    schema = SCHEMA
    roles = ROLES

    def begin(self, job: Any, *, actor: Any) -> None:
        self.source = job.file_name

    def row(self, data: dict[str, Any], *, actor: Any, job: Any) -> str:
        if not data.get("legal_name"):
            raise ValidationFailed(_("The legal name is required."), field="legal_name")
        values = {k: data[k] for k in CUSTOMER_KEYS if k in data}
        existing = resolve(legal_name=values["legal_name"], credit_code=str(values.get("credit_code") or ""))
        if existing is None:
            customer = services.customer_create(actor=actor, **values)
            outcome = "created"
        else:
            customer = existing
            # Fill what the stored customer lacks; never overwrite what someone entered in m2c.
            blanks = {k: v for k, v in values.items() if k != "legal_name" and _blank(customer, k) and _differs(customer, k, v)}
            if blanks:
                customer = services.customer_update(customer=customer, actor=actor, **blanks)
            outcome = "updated" if blanks else "merged"
        contact_changed = self._contact(customer, data, actor=actor)
        if outcome == "merged" and contact_changed:
            outcome = "updated"
        if outcome != "merged":
            core_events.record(CUSTOMER_IMPORTED, customer, actor=actor, payload={
                "file": self.source, "outcome": outcome, "external_id": str(data.get("external_id") or "")})
        return outcome

    def _contact(self, customer: Customer, data: dict[str, Any], *, actor: Any) -> bool:
        name = data.get("contact_name")
        if not name:
            return False
        values: dict[str, Any] = {"name": name}
        for source, target in (("contact_title", "title"), ("contact_phone", "phone"), ("contact_email", "email"),
                               ("contact_language", "language")):
            if data.get(source):
                values[target] = data[source]
        if data.get("do_not_email") or data.get("consent_email") is not None:
            values["consent_email"] = bool(data.get("consent_email")) and not data.get("do_not_email")
        if data.get("do_not_call") or data.get("consent_phone") is not None:
            values["consent_phone"] = bool(data.get("consent_phone")) and not data.get("do_not_call")
        known = Contact.objects.filter(customer=customer, name=name)
        if known.exists():
            return False
        services.contact_create(customer=customer, actor=actor, **values)
        return True


def _blank(customer: Customer, key: str) -> bool:
    value = getattr(customer, f"{key}_id" if key in ("org_unit", "ar_owner") else key)
    return value in (None, "") or (key == "industry" and value == Industry.OTHER) or (key == "tier" and value == Tier.GENERAL)


def _differs(customer: Customer, key: str, value: Any) -> bool:
    current = getattr(customer, key)
    if key in ("org_unit", "ar_owner"):
        return current is None or value not in (current.pk, str(current.pk), getattr(current, "code", None),
                                                getattr(current, "username", None))
    return str(current or "") != str(value)


CLIENT = CustomerClient()
