from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "m2c.partners"
    label = "partners"
    verbose_name = _("Partners")
    default_auto_field = "django.db.models.BigAutoField"
