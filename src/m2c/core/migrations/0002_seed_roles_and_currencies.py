"""Seed the role groups and the ISO currencies a fresh installation needs."""

from django.db import migrations

ROLES = ["administrator", "marketing", "ar", "sr", "fr", "finance", "decision_team", "executive", "partner"]
CURRENCIES = [
    ("CNY", "人民币 Renminbi", 2),
    ("USD", "US Dollar", 2),
    ("EUR", "Euro", 2),
    ("HKD", "Hong Kong Dollar", 2),
    ("SGD", "Singapore Dollar", 2),
    ("GBP", "Pound Sterling", 2),
    ("JPY", "Japanese Yen", 0),
    ("AED", "UAE Dirham", 2),
]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Currency = apps.get_model("core", "Currency")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for code, name, minor in CURRENCIES:
        Currency.objects.get_or_create(code=code, defaults={"name": name, "minor_units": minor})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
