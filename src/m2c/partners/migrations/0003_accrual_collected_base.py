"""Incentive accruals keep the contract's value at accrual (the scope's share is base / contract value) and the
base restated on collected cash at eligibility (issue 12 item 6). Existing accruals take their contract's value
today as the value at accrual."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_contract_value(apps, schema_editor):
    Accrual = apps.get_model("partners", "IncentiveAccrual")
    Contract = apps.get_model("contracts", "Contract")
    Accrual.objects.filter(contract_value__isnull=True).update(
        contract_value=Subquery(Contract.objects.filter(pk=OuterRef("contract_id")).values("total_value")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0002_channel_spq_mdf_incentives'),
    ]

    operations = [
        migrations.AddField(
            model_name='incentiveaccrual',
            name='collected_base',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name='collected base'),
        ),
        migrations.AddField(
            model_name='incentiveaccrual',
            name='contract_value',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=20, null=True, verbose_name='contract value at accrual'),
        ),
        migrations.AlterField(
            model_name='incentiveaccrual',
            name='base',
            field=models.DecimalField(decimal_places=4, max_digits=20, verbose_name='booked base'),
        ),
        migrations.RunPython(backfill_contract_value, migrations.RunPython.noop),
    ]
