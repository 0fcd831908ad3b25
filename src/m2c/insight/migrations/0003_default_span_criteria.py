"""The default SPAN criteria of domain.md 7.3, which administrators reweigh or extend."""

from decimal import Decimal

from django.db import migrations

CRITERIA = [
    ("market_size", "attractiveness", "市场规模", "Market size", Decimal(3), 1),
    ("growth", "attractiveness", "市场增长", "Growth", Decimal(2), 2),
    ("profit_potential", "attractiveness", "盈利潜力", "Profit potential", Decimal(3), 3),
    ("strategic_value", "attractiveness", "战略价值", "Strategic value", Decimal(2), 4),
    ("differentiation", "position", "差异化优势", "Differentiation", Decimal(3), 1),
    ("cost_advantage", "position", "成本与资产优势", "Cost and asset advantage", Decimal(2), 2),
]


def seed(apps, schema_editor):
    criterion = apps.get_model("insight", "SpanCriterion")
    for code, axis, name, name_en, weight, position in CRITERIA:
        criterion.objects.get_or_create(code=code, defaults={
            "axis": axis, "name": name, "name_en": name_en, "weight": weight, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("insight", "SpanCriterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("insight", "0002_segments_span_appeals_targets")]
    operations = [migrations.RunPython(seed, unseed)]
