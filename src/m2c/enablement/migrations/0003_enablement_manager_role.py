"""The enablement manager role (issue 13): the people of an enablement center who author courses, question
banks and exams."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="enablement_manager")


class Migration(migrations.Migration):
    dependencies = [("enablement", "0002_content_status_and_bank_unit"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
