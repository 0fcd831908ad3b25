"""The defaults a fresh installation starts with: authority matrix v1, the gate checklists of domain.md
4.3 and the settings row (domain.md 12).

:func:`ensure_defaults` runs after ``migrate`` (and after a test flush) and creates only what is missing,
so an administrator's later versions are never touched.

Authority matrix v1 reconciles domain.md 4.2 with scenarios S5–S7: at ATI and ATB the value dimension
escalates only above 50M (a 10M deal is decided by the representative office, S5 and S6); the contract
value bands of 4.2 (5–50M regional, above 50M HQ) apply at ATC and ATAC, where the value is a contract's.
Margin escalates below the 25% target (regional) and below 15% (HQ) at every gate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

M = 1_000_000

MATRIX_V1_RULES: list[dict[str, Any]] = [
    {"gate_type": "ATI", "dimension": "value", "operator": "gt", "threshold": 50 * M, "required_level": "hq",
     "label": "ATI: value > 50M → HQ SDT"},
    {"gate_type": "ATB", "dimension": "value", "operator": "gt", "threshold": 50 * M, "required_level": "hq",
     "label": "ATB: value > 50M → HQ SDT"},
    {"gate_type": "ATC", "dimension": "value", "operator": "gte", "threshold": 5 * M, "required_level": "region",
     "label": "ATC: contract value 5–50M → regional SDT"},
    {"gate_type": "ATC", "dimension": "value", "operator": "gt", "threshold": 50 * M, "required_level": "hq",
     "label": "ATC: contract value > 50M → HQ SDT"},
    {"gate_type": "ATAC", "dimension": "value", "operator": "gte", "threshold": 5 * M, "required_level": "region",
     "label": "ATAC: contract value 5–50M → regional SDT"},
    {"gate_type": "ATAC", "dimension": "value", "operator": "gt", "threshold": 50 * M, "required_level": "hq",
     "label": "ATAC: contract value > 50M → HQ SDT"},
    {"dimension": "margin_pct", "operator": "lt", "threshold": 25, "required_level": "region",
     "label": "margin below the 25% target → regional SDT"},
    {"dimension": "margin_pct", "operator": "lt", "threshold": 15, "required_level": "hq",
     "label": "margin more than 10 points below target → HQ SDT"},
    {"dimension": "payment_term_deviation", "operator": "eq", "threshold_text": "moderate", "required_level": "region",
     "label": "moderate payment-term deviation → regional SDT"},
    {"dimension": "payment_term_deviation", "operator": "eq", "threshold_text": "severe", "required_level": "hq",
     "label": "severe payment-term deviation → HQ SDT"},
    {"dimension": "non_standard_terms", "operator": "is_true", "required_level": "hq",
     "label": "non-standard legal terms → HQ SDT"},
    {"dimension": "new_country_or_offering", "operator": "is_true", "required_level": "hq",
     "label": "new country or new offering → HQ SDT"},
    {"dimension": "discount_pct", "operator": "gt", "threshold": 25, "required_level": "region",
     "label": "discount above 25% → regional SDT"},
    {"dimension": "discount_pct", "operator": "gt", "threshold": 40, "required_level": "hq",
     "label": "discount above 40% → HQ SDT"},
]

MATRIX_V1_DISCOUNTS: list[dict[str, Any]] = [
    {"role": "ar", "max_discount_pct": 10},
    {"role": "sr", "max_discount_pct": 15},
]

# (code, section zh, section en, question zh, question en, answer type, mandatory, must be yes)
CHECKLISTS: dict[str, list[tuple[str, str, str, str, str, str, bool, bool]]] = {
    "ATI": [
        ("strategic_fit", "战略匹配", "Strategic fit", "符合目标细分市场或客户规划", "Fits the target segment or the account plan",
         "yes_no", True, False),
        ("need_budget_timing", "需求确认", "Need confirmed", "客户需求、预算和时间已确认", "Need, budget and timing are confirmed",
         "yes_no", True, True),
        ("decision_chain", "需求确认", "Need confirmed", "客户决策链已确认", "The customer's decision chain is known",
         "yes_no", True, True),
        ("competition", "竞争", "Competition", "竞争格局和初步制胜策略", "Competitor landscape and preliminary win strategy",
         "text", True, False),
        ("presales_budget", "资源", "Resources", "售前资源和预算申请（人民币）", "Pre-sales resource and budget request (CNY)",
         "number", False, False),
    ],
    "ATB": [
        ("bid_complete", "标书", "Bid", "技术方案、配置、报价、交付方案、服务与保修范围齐备",
         "Technical solution, configuration, quote, delivery solution, service and warranty scope are complete",
         "yes_no", True, True),
        ("concession_rules", "价格", "Price", "让步规则（谈判中可让到何种程度）", "Concession rules for the negotiation",
         "text", True, False),
        ("deliverability", "可交付性", "Deliverability", "可交付性评审（DTRB）已通过：交付能力、分包、进度、法规",
         "Deliverability review (DTRB) passed: capacity, subcontracting, schedule, regulation", "yes_no", True, True),
        ("deliverability_report", "可交付性", "Deliverability", "可交付性评审报告", "Deliverability review report",
         "file", False, False),
        ("risks_registered", "风险", "Risks", "风险已登记并有应对措施", "Risks are registered with mitigations",
         "yes_no", True, True),
        ("win_probability", "竞争", "Competition", "预计赢率（%）", "Estimated win probability (%)", "number", True, False),
        ("probability_justification", "竞争", "Competition", "赢率低于下限时的投标理由",
         "Why bid although the win probability is below the floor", "text", False, False),
        ("credit_check", "信用", "Credit", "客户信用评级和额度可用", "Customer credit rating and limit are available",
         "yes_no", True, True),
    ],
    "ATC": [
        ("payment_terms", "付款条件", "Payment terms", "付款条件符合政策：预付比例、回款天数、里程碑触发依据客观",
         "Payment terms comply: advance ratio, days to pay, milestones tied to objective evidence", "yes_no", True, True),
        ("retention_pct", "付款条件", "Payment terms", "质保金比例（%）", "Retention (%)", "number", True, False),
        ("acceptance_objective", "验收", "Acceptance", "验收条款客观可衡量", "Acceptance clauses are objective and measurable",
         "yes_no", True, True),
        ("legal_review", "法务", "Legal", "责任、罚则、保修、知识产权、税务和出口合规已由法务审核",
         "Liability, penalties, warranty, IP, tax and export compliance reviewed by legal", "yes_no", True, True),
        ("credit_used", "信用", "Credit", "客户已占用信用额度：未收应收款 + 已签未开票金额（人民币）",
         "Credit already used: open receivables plus unbilled signed contracts (CNY)", "number", True, False),
        ("credit_mitigation", "信用", "Credit", "超出信用额度时的缓释措施（信用证、保函、融资、保理）",
         "Mitigation when the exposure exceeds the credit limit (L/C, guarantee, financing, factoring)", "text", False,
         False),
        ("delivery_plan", "交付", "Delivery", "交付计划已基线化，FR 已签字", "The delivery plan is baselined and signed off by the FR",
         "yes_no", True, True),
        ("contract_version", "合同", "Contract", "合同文本版本号", "Contract text version", "text", True, False),
    ],
    "ATAC": [
        ("delta_described", "变更", "Change", "变更内容（金额、范围、付款条件、进度）已说明",
         "The change (value, scope, payment terms, schedule) is described", "yes_no", True, True),
        ("payment_terms", "付款条件", "Payment terms", "变更后的付款条件符合政策", "Payment terms after the change comply",
         "yes_no", True, True),
        ("legal_review", "法务", "Legal", "变更条款已由法务审核", "Legal has reviewed the amended terms", "yes_no", True, True),
        ("credit_used", "信用", "Credit", "客户已占用信用额度（人民币）", "Credit already used (CNY)", "number", True, False),
    ],
    "ATCC": [
        ("deliverables_accepted", "验收", "Acceptance", "全部交付已验收（FAC 或同等）", "All deliverables are accepted (FAC or equivalent)",
         "yes_no", True, True),
        ("invoices_settled", "回款", "Cash", "全部发票已结清或已正式处理", "All invoices are settled or formally written off, disputed or transferred",
         "yes_no", True, True),
        ("risks_closed", "风险", "Risks", "风险和争议已关闭", "Risks and disputes are closed", "yes_no", True, True),
        ("post_mortem", "复盘", "Post-mortem", "复盘：赢单/丢单原因、实际毛利与 ATB 对比、经验教训",
         "Post-mortem: win/loss, actual margin against ATB, lessons learned", "text", True, False),
    ],
}

CHECKLIST_NAMES = {
    "ATI": "ATI 立项决策检查表", "ATB": "ATB 投标决策检查表", "ATC": "ATC 签约决策检查表",
    "ATAC": "ATAC 合同变更决策检查表", "ATCC": "ATCC 合同关闭决策检查表",
}


@transaction.atomic
def ensure_defaults() -> dict[str, int]:
    """Create authority matrix v1, the checklists and the settings row where none exist yet."""
    from .models import (
        AuthorityMatrix,
        AuthorityRule,
        Checklist,
        ChecklistItem,
        DiscountAuthority,
        OpportunitySettings,
    )

    created = {"matrix": 0, "checklists": 0, "settings": 0}
    if not OpportunitySettings.objects.exists():
        OpportunitySettings.objects.create()
        created["settings"] = 1
    if not AuthorityMatrix.objects.exists():
        matrix = AuthorityMatrix.objects.create(
            version=1, name="默认授权矩阵 Default authority matrix",
            note="domain.md 4.2, reconciled with scenarios S5–S7",
            effective_from=timezone.make_aware(dt.datetime(2000, 1, 1)),
        )
        AuthorityRule.objects.bulk_create([
            AuthorityRule(matrix=matrix, position=i, gate_type=row.get("gate_type", ""), dimension=row["dimension"],
                          operator=row["operator"], threshold=row.get("threshold"),
                          threshold_text=row.get("threshold_text", ""), required_level=row["required_level"],
                          label=row["label"])
            for i, row in enumerate(MATRIX_V1_RULES)
        ])
        DiscountAuthority.objects.bulk_create([DiscountAuthority(matrix=matrix, **row) for row in MATRIX_V1_DISCOUNTS])
        created["matrix"] = 1
    for gate, items in CHECKLISTS.items():
        if Checklist.objects.filter(gate_type=gate).exists():
            continue
        checklist = Checklist.objects.create(gate_type=gate, version=1, name=CHECKLIST_NAMES[gate])
        ChecklistItem.objects.bulk_create([
            ChecklistItem(checklist=checklist, code=code, position=i, section=section, section_en=section_en,
                          question=question, question_en=question_en, answer_type=answer_type, mandatory=mandatory,
                          must_be_yes=must_be_yes)
            for i, (code, section, section_en, question, question_en, answer_type, mandatory, must_be_yes)
            in enumerate(items)
        ])
        created["checklists"] += 1
    return created


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """Seed the defaults once the opportunities tables exist (``migrate``, and a test database flush)."""
    from django.db import connections

    using = kwargs.get("using", "default")
    tables = connections[using].introspection.table_names()
    if "opportunities_authoritymatrix" not in tables or "opportunities_checklist" not in tables:
        return
    plan = kwargs.get("plan") or []
    if plan and all(backwards for _migration, backwards in plan):
        return
    ensure_defaults()
