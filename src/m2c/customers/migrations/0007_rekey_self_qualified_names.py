"""Re-key customers whose legal name carries a qualifier the name key now ignores (（总部）, （本部）, （集团）…).

``normalize_company_name`` drops bracketed qualifiers that name the company itself and a 总部/本部 after
a legal form, so 华信科技有限公司（总部）is keyed 华信科技 like 华信科技有限公司. Customers stored before
keep their old key until re-keyed here, with their search bigrams. A customer whose new key another
customer already holds keeps its old key: two stored customers are not merged by a migration (that is a
person's decision; resolution now lists both as candidates for the same name).
"""

from django.db import migrations
from django.db.models import Q

QUALIFIER_HINTS = ("部", "集团", "总公司")


def rekey(apps, schema_editor):
    from m2c.core.normalize import normalize_company_name

    Customer = apps.get_model("customers", "Customer")
    CustomerNameGram = apps.get_model("customers", "CustomerNameGram")
    hint = Q()
    for word in QUALIFIER_HINTS:
        hint |= Q(legal_name__contains=word)
    changed = []
    for customer in Customer.objects.filter(hint).only("pk", "legal_name", "normalized_name").iterator(chunk_size=2000):
        key = normalize_company_name(customer.legal_name)
        if key and key != customer.normalized_name and not Customer.objects.filter(normalized_name=key).exists():
            customer.normalized_name = key
            customer.save(update_fields=["normalized_name"])
            changed.append(customer)
    for start in range(0, len(changed), 1000):
        batch = changed[start : start + 1000]
        CustomerNameGram.objects.filter(customer_id__in=[c.pk for c in batch]).delete()
        CustomerNameGram.objects.bulk_create(
            [CustomerNameGram(customer_id=c.pk, gram=g)
             for c in batch for g in {c.normalized_name[i : i + 2] for i in range(len(c.normalized_name) - 1)}],
            batch_size=2000, ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_contact_language")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
