"""Response import, a client of the shared import engine (docs/imports.md): mapping with suggestions in both
languages, value maps for the response type and the campaign, dry run, per-row errors, good rows kept,
GBK/UTF-8 read by the engine.

A file in an encoding that is neither UTF-8 nor GBK/GB18030 (a Big5 or Latin-1 export) is refused as a
whole before any row is stored, with a message saying how to save it; an imported row is stored once
(its fingerprint), so importing the same file again creates nothing twice. Rows become *pending*
responses that the worker's sweep converts into leads within the window.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.imports.files import FileRefused, kind_of
from m2c.core.imports.mapping import BOOL, CODE, Field, Schema, labels_both
from m2c.core.models import Role
from m2c.core.models_imports import ImportJob

from .models import CampaignResponse, ConsentPurpose, ConsentSource, ResponseSource, ResponseType

ROLES = (Role.MARKETING,)

TYPE_WORDS = {
    "registration": ["报名", "注册", "已报名", "registered", "signup", "sign-up"],
    "attendance": ["参会", "出席", "签到", "到场", "attended", "attendee", "checkin"],
    "booth_visit": ["展台", "展位", "展台访问", "参观展台", "booth", "visitedbooth"],
    "download": ["下载", "白皮书下载", "资料下载", "downloaded", "whitepaper"],
    "meeting_request": ["会议请求", "约见", "预约会议", "meeting", "requestedmeeting"],
    "callback_request": ["回电", "回电请求", "请回电", "callback", "callme"],
}


def _types() -> dict[str, list[str]]:
    words = labels_both(ResponseType)
    for code, extra in TYPE_WORDS.items():
        words.setdefault(code, []).extend(extra)
    return words


def _campaigns() -> dict[str, list[str]]:
    from .selectors import campaign_options

    return {c.code: [c.code, c.name] for c in campaign_options(accepting_responses=True)}


SCHEMA = Schema([
    Field("campaign", gettext_lazy("Campaign"), ("活动", "营销活动", "活动名称", "活动编码", "campaign", "campaigncode",
                                                "event"), CODE, _campaigns),
    Field("type", gettext_lazy("Response type"), ("响应类型", "类型", "行为", "互动类型", "type", "responsetype",
                                                  "activity"), CODE, _types),
    Field("name", gettext_lazy("Contact name"), ("姓名", "联系人", "联系人姓名", "name", "contact", "contactname",
                                                 "fullname")),
    Field("company", gettext_lazy("Company"), ("公司", "公司名称", "单位", "单位名称", "客户名称", "company", "companyname",
                                               "organization", "account")),
    Field("title", gettext_lazy("Job title"), ("职位", "职务", "title", "jobtitle", "position")),
    Field("email", gettext_lazy("Email"), ("邮箱", "电子邮箱", "email", "emailaddress", "mail")),
    Field("phone", gettext_lazy("Phone"), ("手机", "手机号", "电话", "联系电话", "mobile", "phone", "telephone")),
    Field("responded_at", gettext_lazy("Response time"), ("时间", "响应时间", "日期", "签到时间", "time", "date",
                                                          "respondedat", "timestamp")),
    Field("consent", gettext_lazy("Consents to marketing email"), ("同意", "同意接收", "同意邮件", "consent", "optin",
                                                                    "emailoptin"), BOOL),
], need_one_of=("name", "email", "phone"), strict_codes=True)

_TIME = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{1,2}))?")


def parse_time(value: Any) -> dt.datetime | None:
    """A response time as written in a file ("2026-03-05 14:30", "2026/3/5", "2026年3月5日"); noon when only the day."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(12)))
    match = _TIME.match(str(value))
    if not match:
        raise ValidationFailed(_("“%(v)s” is not a date and time (use YYYY-MM-DD HH:MM).") % {"v": str(value)[:40]},
                               field="responded_at")
    try:
        hour, minute = (int(match[4]), int(match[5])) if match[4] else (12, 0)
        moment = dt.datetime(int(match[1]), int(match[2]), int(match[3]), hour, minute)
    except ValueError:
        raise ValidationFailed(_("“%(v)s” is not a date and time (use YYYY-MM-DD HH:MM).") % {"v": str(value)[:40]},
                               field="responded_at") from None
    return timezone.make_aware(moment)


def check_encoding(path: Path) -> None:
    """Refuse a CSV whose lines are neither UTF-8 nor GBK/GB18030 (the engine would read them garbled)."""
    if kind_of(path) != "csv":
        return
    with open(path, "rb") as handle:
        raw = handle.read(1024 * 1024)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    for line in raw.splitlines()[:2000]:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
            except UnicodeDecodeError:
                raise FileRefused(_("The file is neither UTF-8 nor GBK (GB18030) text; it may be Big5, Latin-1 or "
                                    "another encoding. Save it as “CSV UTF-8” and import it again."),
                                  field="file", code="file_encoding") from None


class ResponseClient:
    kind = ImportJob.Kind.RESPONSES.value  # a plain str: the engine keys registries by it
    schema = SCHEMA
    roles = ROLES
    chunk = 1000  # rows per transaction: the batch path stores them together (imports_bulk)

    def begin(self, job: Any, *, actor: Any) -> None:
        check_encoding(Path(job.file_path))
        from m2c.customers.identity import CustomerIndex

        from .imports_bulk import DueDates

        self.source = job.file_name
        self.job_id = str(job.pk)
        self.campaigns: dict[str, Any] = {}
        self.due_dates = DueDates()
        # One resolution index for the whole file (all customers read once for a large one).
        self.index = CustomerIndex(preload=job.total_rows > 500, contacts=True)

    def campaign(self, data: dict[str, Any], job: Any) -> Any:
        """The row's campaign (its column or the import's default), looked up once per file."""
        from .selectors import campaign_by_ref

        campaign_ref = data.get("campaign") or (job.defaults or {}).get("campaign")
        key = str(campaign_ref or "")
        if key not in self.campaigns:
            self.campaigns[key] = campaign_by_ref(key) if key else None
        return self.campaigns[key]

    def rows(self, items: list[dict[str, Any]], *, actor: Any, job: Any) -> list[Any]:
        """The batch path the engine uses: a chunk checked, then stored together (``imports_bulk``)."""
        from .imports_bulk import store

        return store(self, items, actor=actor, job=job)

    def row(self, data: dict[str, Any], *, actor: Any, job: Any) -> str:
        """One row through the services (the batch path's fallback when a chunk's write fails): the same
        checks (``imports_bulk.check``), then ``response_create`` and ``consent_record``."""
        from .imports_bulk import check
        from .services.consent import consent_record
        from .services.responses import response_create

        row = check(self, data, job)
        if CampaignResponse.objects.filter(external_ref=row.ref).exists():
            return "merged"
        response_create(campaign=row.campaign, type=row.kind, source=ResponseSource.IMPORT, data=row.values,
                        actor=actor, responded_at=row.when, external_ref=row.ref,
                        payload={"file": self.source, "import": self.job_id}, customer_index=self.index)
        if row.consent is not None and row.values["email"]:
            consent_record(subject=row.values["email"], purpose=ConsentPurpose.MARKETING_EMAIL, granted=row.consent,
                           source=ConsentSource.IMPORT, campaign=row.campaign,
                           evidence=_("Column “consent” of the imported file %(f)s") % {"f": self.source})
        return "created"


CLIENT = ResponseClient()
