"""Opportunity import (migration from another CRM), a client of the shared import engine.

Open deals land in their stage; won and lost deals land as history in their final state with their
real close date, amount and loss reason (``services.imported.opportunity_import``: no gate decisions,
no notifications). Stage names of the other system go through the value map (common CRM words are
suggested: Closed Won, 赢单, Negotiation …); an unknown stage, owner, offering line ("GTXPro") or
loss reason is reported on its row, never created. The customer must resolve to a known customer
(import customers first), through the same identity resolution as the customer import.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from m2c.core.errors import ValidationFailed
from m2c.core.imports.mapping import AMOUNT, CODE, DATE, Field, Schema, labels_both
from m2c.core.models import OfferingLine, OrgUnit, Role, User
from m2c.core.money import Money
from m2c.customers.imports import org_unit_words, resolve, user_words

from .services.imported import opportunity_import
from .states import CLOSED_STAGES, LossReason, Stage

ROLES = (Role.AR, Role.SR, Role.MARKETING)

STAGE_WORDS = {
    Stage.O1_VALIDATE: ["O1", "validate", "qualification", "qualify", "prospecting", "discovery", "需求确认", "验证", "初步接触",
                        "线索确认", "立项"],
    Stage.O2_SHAPE: ["O2", "shape", "needs analysis", "solution", "proposal", "value proposition", "方案", "方案设计", "需求分析"],
    Stage.O3_BID: ["O3", "bid", "tender", "quote", "proposal/price quote", "投标", "报价", "招投标"],
    Stage.O4_NEGOTIATE: ["O4", "negotiate", "negotiation", "negotiation/review", "commit", "商务谈判", "谈判", "合同谈判"],
    Stage.WON: ["closed won", "won", "win", "赢单", "成交", "已签约", "签约", "中标"],
    Stage.LOST: ["closed lost", "lost", "loss", "输单", "丢单", "未中标", "失败"],
    Stage.ABANDONED: ["abandoned", "dropped", "cancelled", "放弃", "取消", "搁置关闭"],
}
LOSS_WORDS = {
    LossReason.PRICE: ["价格", "价格高", "price too high", "pricing"], LossReason.SOLUTION: ["方案", "技术", "product", "features"],
    LossReason.RELATIONSHIP: ["关系", "客户关系"], LossReason.TIMING: ["时间", "时机", "预算推迟"],
    LossReason.NO_DECISION: ["无决策", "未决策", "项目取消", "no decision made"], LossReason.COMPETITOR: ["竞争对手", "竞品", "competition"],
}


def _with(words: dict[str, list[str]], choices: Any) -> dict[str, list[str]]:
    found = labels_both(choices)
    for code, extra in words.items():
        found.setdefault(str(code), []).extend(extra)
    return found


def line_words() -> dict[str, list[str]]:
    return {line.code: [line.name, getattr(line, "name_en", "") or "", getattr(line, "name_zh", "") or "",
                        line.product_category] for line in OfferingLine.objects.filter(active=True)}


SCHEMA = Schema([
    Field("name", gettext_lazy("Opportunity name"), ("商机名称", "项目名称", "机会名称", "商机", "项目", "opportunity",
          "opportunityname", "dealname", "deal", "name")),
    Field("customer", gettext_lazy("Customer"), ("客户名称", "公司名称", "客户", "单位名称", "account", "accountname", "customer",
          "company")),
    Field("credit_code", gettext_lazy("Customer credit code"), ("统一社会信用代码", "信用代码", "creditcode", "uscc")),
    Field("stage", gettext_lazy("Stage"), ("阶段", "商机阶段", "销售阶段", "状态", "stage", "salesstage", "status"), CODE,
          lambda: _with(STAGE_WORDS, Stage)),
    Field("amount", gettext_lazy("Amount"), ("金额", "预计金额", "合同金额", "商机金额", "amount", "dealvalue", "value",
          "expectedrevenue"), AMOUNT),
    Field("currency", gettext_lazy("Currency"), ("币种", "货币", "currency", "currencyisocode")),
    Field("expected_sign_date", gettext_lazy("Expected sign date"), ("预计签约日期", "预计签约时间", "预计成交日期", "closedate",
          "expectedclosedate", "expectedsigndate"), DATE),
    Field("closed_on", gettext_lazy("Close date"), ("关闭日期", "结束日期", "赢单日期", "输单日期", "签约日期", "closedon",
          "actualclosedate", "wondate", "lostdate"), DATE),
    Field("owner", gettext_lazy("Owner (AR)"), ("负责人", "客户经理", "销售", "所有人", "owner", "opportunityowner", "ar",
          "salesrep"), CODE, user_words),
    Field("offering_lines", gettext_lazy("Offering line"), ("产品线", "产品", "产品大类", "product", "productline", "offering",
          "offeringline"), CODE, line_words),
    Field("loss_reason", gettext_lazy("Loss reason"), ("输单原因", "丢单原因", "失败原因", "lossreason", "reasonlost"), CODE,
          lambda: _with(LOSS_WORDS, LossReason)),
    Field("loss_detail", gettext_lazy("Loss detail"), ("输单说明", "丢单说明", "lossdetail", "lossnotes")),
    Field("loss_competitor", gettext_lazy("Winning competitor"), ("竞争对手", "赢单厂商", "competitor", "winningcompetitor")),
    Field("org_unit", gettext_lazy("Org unit"), ("区域", "办事处", "代表处", "region", "office", "territory"), CODE, org_unit_words),
    Field("description", gettext_lazy("Description"), ("描述", "备注", "说明", "description", "notes")),
    Field("external_id", gettext_lazy("External id"), ("编号", "商机编号", "外部编号", "id", "opportunityid", "externalid")),
], need_one_of=("customer",), strict_codes=True)


class OpportunityClient:
    kind = "opportunities"
    schema = SCHEMA
    roles = ROLES

    def begin(self, job: Any, *, actor: Any) -> None:
        self.source = job.file_name
        self.lines = {line.code: line for line in OfferingLine.objects.filter(active=True)}

    def row(self, data: dict[str, Any], *, actor: Any, job: Any) -> str:
        customer = resolve(legal_name=str(data.get("customer") or ""), credit_code=str(data.get("credit_code") or ""))
        if customer is None:
            raise ValidationFailed(_("No customer “%(c)s”: import the customers first, or map the column to a known "
                                     "customer.") % {"c": str(data.get("customer") or "")[:80]}, field="customer")
        owner = User.objects.filter(username=data["owner"]).first() if data.get("owner") else None
        if owner is None:
            raise ValidationFailed(_("Each opportunity needs its owner (an AR)."), field="owner")
        line = self.lines.get(str(data.get("offering_lines") or ""))
        if line is None:
            raise ValidationFailed(_("Each opportunity needs its offering line."), field="offering_lines")
        currency = str(data.get("currency") or settings.REPORTING_CURRENCY).upper()[:3]
        amount = data.get("amount")
        if amount is None:
            raise ValidationFailed(_("The amount is missing or unreadable."), field="amount")
        unit = OrgUnit.objects.filter(code=data["org_unit"]).first() if data.get("org_unit") else None
        stage = str(data.get("stage") or Stage.O1_VALIDATE)
        closed_on, expected = data.get("closed_on"), data.get("expected_sign_date")
        if stage in CLOSED_STAGES and closed_on is None and expected is not None:
            # Exports such as Salesforce's have one "Close Date": the expected date of an open deal,
            # the real one of a closed deal.
            closed_on, expected = expected, None
        _opportunity, outcome = opportunity_import(
            actor=actor, customer=customer, name=str(data.get("name") or ""), amount=Money(amount, currency),
            offering_lines=[line], owner=owner, stage=stage, expected_sign_date=expected, closed_on=closed_on,
            loss_reason=str(data.get("loss_reason") or ""), loss_detail=str(data.get("loss_detail") or ""),
            loss_competitor=str(data.get("loss_competitor") or ""), description=str(data.get("description") or ""),
            org_unit=unit, external_ref=str(data.get("external_id") or ""), source=self.source,
        )
        return outcome


CLIENT = OpportunityClient()
