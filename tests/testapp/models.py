from django.db import models

from m2c.core.models import TrackedModel


class Gadget(TrackedModel):
    status = models.CharField(max_length=20, default="DRAFT")
    approved_amount = models.IntegerField(default=0)

    class Meta:
        app_label = "testapp"
