"""Build the bigram search index for customers that existed before it."""

from django.db import migrations


def backfill(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerNameGram = apps.get_model("customers", "CustomerNameGram")
    batch = []
    for pk, name in Customer.objects.values_list("pk", "normalized_name").iterator(chunk_size=2000):
        batch.extend(CustomerNameGram(customer_id=pk, gram=g) for g in {name[i : i + 2] for i in range(len(name) - 1)})
        if len(batch) >= 5000:
            CustomerNameGram.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    CustomerNameGram.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_customer_name_grams")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
