from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "m2c.opportunities"
    label = "opportunities"
    verbose_name = _("Opportunities")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import events, tasks  # noqa: F401
        from .defaults import on_post_migrate

        # The default authority matrix, checklists and settings: created where missing, never overwritten.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="opportunities.defaults")
