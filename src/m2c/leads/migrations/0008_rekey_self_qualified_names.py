"""Re-key leads whose company name carries a qualifier the name key now ignores (（总部）, （本部）, （集团）…).

Duplicate detection compares a new lead's keys with the stored ones: a lead for 华信科技有限公司（总部）
captured before kept 华信科技有限公司总部 as its name key and would not meet the same spelling captured
now (keyed 华信科技). Its normalised name, core name and blocking key are recomputed here.
"""

from django.db import migrations
from django.db.models import Q

QUALIFIER_HINTS = ("部", "集团", "总公司")


def rekey(apps, schema_editor):
    from m2c.customers.names import company_keys

    Lead = apps.get_model("leads", "Lead")
    hint = Q()
    for word in QUALIFIER_HINTS:
        hint |= Q(raw_customer_name__contains=word)
    changed = []
    leads = Lead.objects.filter(hint).only("pk", "raw_customer_name", "normalized_name", "core_name", "block_key")
    for lead in leads.iterator(chunk_size=2000):
        normalized, core, block = company_keys(lead.raw_customer_name.strip())
        if (normalized, core, block[:16]) != (lead.normalized_name, lead.core_name, lead.block_key):
            lead.normalized_name, lead.core_name, lead.block_key = normalized, core, block[:16]
            changed.append(lead)
    Lead.objects.bulk_update(changed, ["normalized_name", "core_name", "block_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("leads", "0007_routing_to_partners")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
