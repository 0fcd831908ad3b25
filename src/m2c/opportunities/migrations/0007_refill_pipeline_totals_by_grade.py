"""Data: refill the running pipeline totals now that grade is one of their dimensions."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Count, Sum

DIMENSIONS = ("stage", "region_id", "org_unit_id", "offering_line_id", "currency", "probability", "forecast_category",
              "grade")


def forward(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    PipelineTotal = apps.get_model("opportunities", "PipelineTotal")
    PipelineTotal.objects.all().delete()
    rows = Opportunity.objects.order_by().values(*DIMENSIONS).annotate(n=Count("*"), total=Sum("amount"))
    PipelineTotal.objects.bulk_create(
        [PipelineTotal(count=r["n"], amount=r["total"] or Decimal(0), **{d: r[d] for d in DIMENSIONS}) for r in rows],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0006_pipeline_totals_by_grade")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
