"""Courses and exams get an authoring status (DRAFT → PUBLISHED → RETIRED) instead of ``active``: an active
one is PUBLISHED, an inactive one RETIRED. Question banks get the unit that keeps them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def statuses_from_active(apps, schema_editor):
    for name in ("Course", "Exam"):
        apps.get_model("enablement", name).objects.filter(active=False).update(status="RETIRED")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_user_partner_channel_manager'),
        ('enablement', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='course',
            name='status',
            field=models.CharField(choices=[('DRAFT', 'Draft'), ('PUBLISHED', 'Published'), ('RETIRED', 'Retired')], default='PUBLISHED', max_length=10, verbose_name='status'),
        ),
        migrations.AddField(
            model_name='exam',
            name='status',
            field=models.CharField(choices=[('DRAFT', 'Draft'), ('PUBLISHED', 'Published'), ('RETIRED', 'Retired')], default='PUBLISHED', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(statuses_from_active, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='course',
            name='active',
        ),
        migrations.RemoveField(
            model_name='exam',
            name='active',
        ),
        migrations.AddField(
            model_name='questionbank',
            name='org_unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='question_banks', to='core.orgunit', verbose_name='kept by'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['DRAFT', 'PUBLISHED', 'RETIRED'])), name='course_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='exam',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['DRAFT', 'PUBLISHED', 'RETIRED'])), name='exam_status_valid'),
        ),
    ]
