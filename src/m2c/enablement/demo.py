"""Demo enablement: question banks, courses with materials, exams granting certificates, and demo staff who
took them (through the real attempt services), plus certificates in every state and one partner engineer.

Idempotent: everything is found by its code, attempts are taken only by people who have none on that exam.
Runs before the opportunities demo, so its SR assignments meet the certification rule with these certificates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from m2c.core.models import OfferingLine, OrgUnit, Role, User

from .models import Attempt, Certificate, Course, CourseMaterial, Exam, Option, Question, QuestionBank
from .states import Audience, CourseRole, Level, MaterialKind, QuestionKind, Track

# The demo partner's id (the partners app keeps partners; certificates hold a plain UUID, as leads do).
DEMO_PARTNER_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://m2c.dev/demo/partner/p1")

# bank code, name, English name, offering line, [(kind, text, explanation, points, [(option, correct)])]
BANKS: list[tuple[str, str, str, str, list[tuple[str, str, str, int, list[tuple[str, bool]]]]]] = [
    ("campus-bank", "园区网络题库", "Campus network questions", "campus", [
        ("single", "园区网络三层架构中，负责汇聚接入层流量的是哪一层？", "汇聚层连接接入层与核心层，执行策略与路由汇聚。", 1,
         [("接入层", False), ("汇聚层", True), ("核心层", False), ("出口层", False)]),
        ("single", "Wi-Fi 7 对应的 IEEE 标准是？", "Wi-Fi 7 即 IEEE 802.11be。", 1,
         [("802.11ax", False), ("802.11be", True), ("802.11ac", False)]),
        ("multiple", "以下哪些属于园区网络的典型安全措施？（多选）", "802.1X 准入与 VLAN 隔离都是园区常用手段；"
         "关闭 STP 会带来环路风险。", 2,
         [("802.1X 准入认证", True), ("VLAN 隔离", True), ("关闭生成树协议", False), ("端口安全", True)]),
        ("single", "客户预算已批复、决策链清晰，这条线索在 BANT 中满足了哪两项？", "Budget 与 Authority。", 1,
         [("Budget 与 Authority", True), ("Need 与 Timing", False), ("Need 与 Budget", False)]),
        ("multiple", "铁三角（AR/SR/FR）中，SR 负责哪些工作？（多选）", "SR 负责方案、报价支持与技术澄清；回款由 AR 牵头。", 2,
         [("解决方案设计", True), ("技术澄清与标书技术部分", True), ("合同回款催收", False)]),
        ("single", "园区核心交换机部署双机堆叠的主要目的是？", "堆叠提供设备级冗余并简化管理。", 1,
         [("提升可靠性与简化管理", True), ("降低功耗", False), ("减少 IP 地址", False)]),
        ("single", "SPAN 分析中，横轴表示什么？", "横轴为竞争地位，纵轴为市场吸引力。", 1,
         [("市场吸引力", False), ("竞争地位", True), ("市场规模", False)]),
        ("multiple", "园区无线勘测应输出哪些内容？（多选）", "勘测报告包含 AP 点位、信道规划与覆盖热图。", 2,
         [("AP 点位图", True), ("信道规划", True), ("覆盖热图", True), ("客户付款计划", False)]),
    ]),
    ("wlan-bank", "无线局域网题库", "WLAN questions", "wlan", [
        ("single", "5 GHz 频段中，为减少同频干扰，高密场景通常采用多大信道带宽？", "高密场景优先 20/40 MHz 以增加可用信道。", 1,
         [("20 或 40 MHz", True), ("160 MHz", False), ("320 MHz", False)]),
        ("single", "Wi-Fi 7 新增的多链路技术简称是？", "MLO：Multi-Link Operation。", 1,
         [("MLO", True), ("OFDMA", False), ("MU-MIMO", False)]),
        ("multiple", "影响室内 AP 覆盖的因素有哪些？（多选）", "墙体材质与安装高度都影响覆盖；颜色无关。", 2,
         [("墙体材质", True), ("安装高度", True), ("AP 外壳颜色", False)]),
        ("single", "漫游体验优化常用的协议是？", "802.11k/v/r 协助快速漫游。", 1,
         [("802.11k/v/r", True), ("802.3af", False), ("802.1Q", False)]),
        ("single", "高校宿舍无线改造，首要收集的需求是？", "并发终端数决定 AP 数量与容量规划。", 1,
         [("并发终端数", True), ("宿舍楼层颜色", False), ("网线品牌", False)]),
    ]),
    ("dc-bank", "数据中心网络题库", "Data center network questions", "dc", [
        ("single", "数据中心常用的叶脊架构中，服务器接入哪一层？", "服务器接入叶（Leaf）交换机。", 1,
         [("Leaf", True), ("Spine", False), ("Border", False)]),
        ("multiple", "数据中心交付初验前需要完成哪些工作？（多选）", "割接方案与测试报告是初验前提；发票不是。", 2,
         [("割接方案评审", True), ("功能与性能测试报告", True), ("开具发票", False)]),
        ("single", "VXLAN 的作用是？", "VXLAN 在三层网络上构建二层覆盖网络。", 1,
         [("在三层网络上扩展二层网络", True), ("加密存储数据", False), ("提高供电效率", False)]),
        ("single", "FAC 在合同执行中代表？", "FAC 为最终验收证书。", 1,
         [("最终验收", True), ("初步验收", False), ("到货验收", False)]),
        ("single", "数据中心网络变更的最佳时间窗通常是？", "业务低峰时段并提前审批。", 1,
         [("业务低峰并经审批", True), ("工作日上午十点", False), ("任何时间", False)]),
    ]),
]

# code, name, English name, offering line, role, audience, org unit code, hours, description, materials
COURSES: list[tuple[Any, ...]] = [
    ("campus-ar-101", "园区网络销售入门", "Selling campus networks", "campus", CourseRole.AR, Audience.INTERNAL, None,
     "6", "园区网络产品组合、典型客户场景与价值主张，面向客户经理（AR）。", [
         (MaterialKind.LINK, "园区网络产品一页纸", "https://m2c.dev/demo/assets/campus-one-pager"),
         (MaterialKind.ASSET, "智慧园区成功案例集（营销资料库）", "https://m2c.dev/demo/assets/campus-cases"),
     ]),
    ("campus-sr-201", "园区网络方案设计", "Designing campus network solutions", "campus", CourseRole.SR,
     Audience.INTERNAL, None, "12", "三层架构、安全准入、无线勘测与方案报价，面向解决方案经理（SR）。", [
         (MaterialKind.LINK, "园区网络设计指南", "https://m2c.dev/demo/assets/campus-design-guide"),
         (MaterialKind.ASSET, "园区网络竞争应答卡", "https://m2c.dev/demo/assets/campus-battle-card"),
     ]),
    ("wlan-sr-201", "Wi-Fi 7 方案与勘测", "Wi-Fi 7 solutions and site surveys", "wlan", CourseRole.SR,
     Audience.INTERNAL, None, "8", "高密无线、漫游与勘测方法。", [
         (MaterialKind.LINK, "Wi-Fi 7 技术白皮书", "https://m2c.dev/demo/assets/wifi7-whitepaper"),
     ]),
    ("dc-fr-201", "数据中心网络交付", "Delivering data center networks", "dc", CourseRole.FR, Audience.INTERNAL, None,
     "10", "叶脊架构交付、割接与验收，面向交付经理（FR）。", [
         (MaterialKind.LINK, "数据中心割接检查表", "https://m2c.dev/demo/assets/dc-cutover-checklist"),
     ]),
    ("east-campus-sr-301", "华东园区网络专家研修班", "East China campus expert workshop", "campus", CourseRole.SR,
     Audience.INTERNAL, "east", "16", "华东销售赋能中心组织的专家级研修，含客户现场实战复盘。", []),
    ("partner-campus-sales", "合作伙伴园区网络销售认证课程", "Partner campus sales certification", "campus",
     CourseRole.PARTNER_SALES, Audience.PARTNER, None, "6", "面向金牌、银牌合作伙伴销售人员的认证课程。", [
         (MaterialKind.LINK, "合作伙伴园区网络销售手册", "https://m2c.dev/demo/assets/partner-campus-handbook"),
     ]),
]

# code, name, English name, course code, banks, questions, minutes, pass mark, attempts, wait days, grant, audience, unit
EXAMS: list[tuple[Any, ...]] = [
    ("campus-sales-associate", "园区网络销售认证（初级）", "Campus sales associate exam", "campus-ar-101",
     ["campus-bank"], 5, 20, "60", None, 0, ("campus", Track.SALES, Level.ASSOCIATE), Audience.INTERNAL, None),
    ("campus-presales-professional", "园区网络售前认证（高级）", "Campus pre-sales professional exam", "campus-sr-201",
     ["campus-bank"], 6, 30, "70", 3, 7, ("campus", Track.PRESALES, Level.PROFESSIONAL), Audience.INTERNAL, None),
    ("wlan-presales-associate", "无线局域网售前认证（初级）", "WLAN pre-sales associate exam", "wlan-sr-201",
     ["wlan-bank"], 4, 15, "60", None, 0, ("wlan", Track.PRESALES, Level.ASSOCIATE), Audience.INTERNAL, None),
    ("dc-postsales-associate", "数据中心网络交付认证（初级）", "Data center post-sales associate exam", "dc-fr-201",
     ["dc-bank"], 4, 15, "60", None, 0, ("dc", Track.POSTSALES, Level.ASSOCIATE), Audience.INTERNAL, None),
    ("east-campus-expert", "华东园区网络专家认证", "East China campus expert exam", "east-campus-sr-301",
     ["campus-bank"], 8, 45, "80", 2, 14, ("campus", Track.PRESALES, Level.EXPERT), Audience.INTERNAL, "east"),
    ("partner-campus-sales", "合作伙伴园区网络销售认证", "Partner campus sales exam", "partner-campus-sales",
     ["campus-bank"], 5, 20, "60", None, 0, ("campus", Track.SALES, Level.ASSOCIATE), Audience.PARTNER, None),
]

# Who takes which exam in the demo, and whether they answer everything right.
ATTEMPTS = [
    ("sr.zhao", "campus-presales-professional", True),
    ("sr.zhao", "wlan-presales-associate", True),
    ("ar.li", "campus-sales-associate", True),
    ("ar.wang", "campus-sales-associate", True),
    ("ar.zhang", "campus-sales-associate", False),
    ("ar.liu", "campus-sales-associate", True),
    ("fr.chen", "dc-postsales-associate", True),
    ("enable.xu", "east-campus-expert", True),
]

# Certificates issued by hand with past dates: (holder, line, track, level, days ago issued, validity days).
ISSUED = [
    ("ar.yang", "campus", Track.SALES, Level.ASSOCIATE, 680, 730),      # EXPIRING: 49 days left
    ("fr.wu", "dc", Track.POSTSALES, Level.ASSOCIATE, 760, 730),        # EXPIRED a month ago
    ("ar.tan", "wlan", Track.SALES, Level.ASSOCIATE, 100, 730),          # VALID
    ("ar.li", "security", Track.SALES, Level.ASSOCIATE, 300, 730),       # VALID
]


def _load_catalogue() -> int:
    created = 0
    lines = {line.code: line for line in OfferingLine.objects.all()}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=["east"])}
    for code, name, name_en, line, questions in BANKS:
        if QuestionBank.objects.filter(code=code).exists() or line not in lines:
            continue
        bank = QuestionBank.objects.create(code=code, name=name, name_en=name_en, offering_line=lines[line])
        for kind, text, explanation, points, options in questions:
            question = Question.objects.create(bank=bank, kind=QuestionKind(kind), text=text, explanation=explanation,
                                               points=points)
            Option.objects.bulk_create([Option(question=question, position=i, text=o, correct=c)
                                        for i, (o, c) in enumerate(options, 1)])
        created += 1
    for code, name, name_en, line, role, audience, unit, hours, description, materials in COURSES:
        if Course.objects.filter(code=code).exists() or line not in lines:
            continue
        course = Course.objects.create(code=code, name=name, name_en=name_en, offering_line=lines[line], role=role,
                                       audience=audience, org_unit=units.get(unit or ""), hours=Decimal(hours),
                                       description=description)
        for i, (kind, title, url) in enumerate(materials, 1):
            CourseMaterial.objects.create(course=course, position=i, kind=kind, title=title, url=url,
                                          asset_id=uuid.uuid5(uuid.NAMESPACE_URL, url) if kind == MaterialKind.ASSET
                                          else None)
        created += 1
    for (code, name, name_en, course, banks, count, minutes, mark, attempts, wait, grant, audience,
         unit) in EXAMS:
        if Exam.objects.filter(code=code).exists():
            continue
        line, track, level = grant
        exam = Exam.objects.create(
            code=code, name=name, name_en=name_en, course=Course.objects.filter(code=course).first(),
            audience=audience, org_unit=units.get(unit or ""), question_count=count, duration_minutes=minutes,
            pass_mark=Decimal(mark), max_attempts=attempts, retake_wait_days=wait, offering_line=lines[line],
            track=track, level=level)
        exam.banks.set(QuestionBank.objects.filter(code__in=banks))
        created += 1
    return created


def _manager() -> User:
    user = User.objects.filter(username="enable.xu").first()
    if user is None:
        from m2c.core.services import user_create
        from m2c.demo import DEMO_PASSWORD

        user = user_create(username="enable.xu", password=DEMO_PASSWORD, email="enable.xu@m2c.example.com",
                           display_name="徐岚", roles=[Role.SR], org_unit=OrgUnit.objects.get(code="east-enablement"))
    return user


def _take(user: User, exam: Exam, right: bool) -> Attempt:
    from .services import attempt_answer, attempt_start, attempt_submit

    attempt = attempt_start(exam=exam, actor=user)
    for row in attempt.questions.select_related("question").prefetch_related("question__options"):
        options = list(row.question.options.all())
        chosen = [o.pk for o in options if o.correct == right][:1 if row.question.kind == QuestionKind.SINGLE else None]
        attempt_answer(attempt=attempt, actor=user, question_id=row.question_id, option_ids=chosen)
    return attempt_submit(attempt=attempt, actor=user)


def load(progress: bool = True) -> str:
    from .services import certificate_issue

    with transaction.atomic():
        created = _load_catalogue()
        manager = _manager()
    users = {u.username: u for u in User.objects.filter(username__in={a[0] for a in ATTEMPTS} | {i[0] for i in ISSUED})}
    users.setdefault(manager.username, manager)
    exams = {e.code: e for e in Exam.objects.all()}
    taken = 0
    for username, code, right in ATTEMPTS:
        user, exam = users.get(username), exams.get(code)
        if user is None or exam is None or Attempt.objects.filter(user=user, exam=exam).exists():
            continue
        with transaction.atomic():
            _take(user, exam, right)
        taken += 1
    lines = {line.code: line for line in OfferingLine.objects.all()}
    today = timezone.localdate()
    issued = 0
    for username, line, track, level, ago, days in ISSUED:
        user = users.get(username)
        if user is None or line not in lines or Certificate.objects.filter(holder_user=user, offering_line=lines[line],
                                                                             track=track, level=level).exists():
            continue
        certificate_issue(actor=None, system=True, offering_line=lines[line], track=track, level=level, holder_user=user,
                          valid_from=today - dt.timedelta(days=ago), validity_days=days)
        issued += 1
    if "campus" in lines and not Certificate.objects.filter(partner_id=DEMO_PARTNER_ID).exists():
        certificate_issue(actor=None, system=True, offering_line=lines["campus"], track=Track.PRESALES,
                          level=Level.PROFESSIONAL, holder_name="陈晓（合作伙伴 P1 售前工程师）",
                          holder_email="chen.xiao@p1-partner.example.com", partner_id=DEMO_PARTNER_ID,
                          org_unit=OrgUnit.objects.filter(code="east-enablement").first(),
                          valid_from=today - dt.timedelta(days=200), validity_days=1095)
        issued += 1
    return f"enablement +{created} banks/courses/exams, +{taken} attempts, +{issued} certificates issued by hand"
