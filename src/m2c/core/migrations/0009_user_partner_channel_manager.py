"""A partner user's partner (issue 12) and the channel manager role (domain.md 5.2)."""

from django.db import migrations, models


def seed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="channel_manager")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_offering_line_keywords")]
    operations = [
        migrations.AddField(
            model_name="user", name="partner_id",
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name="partner"),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
