from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """When a periodic job last started (one row per job)."""

    name = models.CharField(_("job"), max_length=200, primary_key=True)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self) -> str:
        return self.name
