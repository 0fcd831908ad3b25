"""Template filters that show stored codes in the reader's language.

Events keep machine values (a state ``VALIDATING``, a field name ``tier``, a match key ``name_fuzzy``)
so that history stays language-neutral; these filters turn them into the labels of the model they
belong to when a page is rendered, in whatever language the reader uses.

    {% load m2c_i18n %}
    {{ e.to_state|state_label:e }}    {{ e.payload.path|state_labels:e|join:" → " }}
    {{ k|field_label:e }}             {% event_value e k v.0 %}
    {{ match.keys|match_keys }}
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The evidence names of identity resolution (leads/matching.py, customers): what two records share.
MATCH_KEYS = {
    "credit_code": _("same credit code"),
    "customer": _("same customer"),
    "name": _("same name"),
    "core_name": _("same core name"),
    "core_name_other_place": _("same core name, other place"),
    "name_fuzzy": _("similar name"),
    "email": _("same e-mail"),
    "phone": _("same phone"),
    "email_domain": _("same e-mail domain"),
    "external_id": _("same external id"),
    "offering_line": pgettext_lazy("match key", "same offering line"),
}
STATE_FIELDS = ("status", "stage", "state", "decision")


@lru_cache(maxsize=128)
def _model(subject_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None


def _subject(event: Any) -> type[models.Model] | None:
    subject_type = getattr(event, "subject_type", None) or (event.get("subject_type") if isinstance(event, dict) else None)
    return _model(subject_type) if subject_type else None


def _choice(model: type[models.Model] | None, names: tuple[str, ...], value: Any) -> Any:
    if model is None:
        return None
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        for key, label in getattr(field, "flatchoices", None) or ():
            if str(key) == str(value):
                return label
    return None


@register.filter
def state_label(value: Any, event: Any) -> Any:
    """The label of a state value of the event's subject (``VALIDATING`` → 校验中)."""
    if value in (None, ""):
        return value
    label = _choice(_subject(event), STATE_FIELDS, value)
    if label is None:
        # States of other models (a lead's timeline entry about its opportunity): any state field that knows it.
        for model in apps.get_models():
            if model.__module__.startswith("m2c."):
                label = _choice(model, STATE_FIELDS, value)
                if label is not None:
                    break
    return label if label is not None else value


@register.filter
def state_labels(values: Any, event: Any) -> list[Any]:
    return [state_label(v, event) for v in values or ()]


@register.filter
def field_label(name: str, event: Any) -> Any:
    """The verbose name of a field of the event's subject (``tier`` → 客户等级)."""
    model = _subject(event)
    if model is not None:
        try:
            return capfirst(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name


@register.simple_tag
def event_value(event: Any, name: str, value: Any) -> Any:
    """A changed value as the reader knows it: the choice label when the field has choices."""
    label = _choice(_subject(event), (name,), value)
    if label is not None:
        return label
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return value


@register.filter
def match_keys(keys: Any) -> str:
    """The match evidence in words, comma-separated in the reader's language."""
    separator = str(pgettext_lazy("list separator", ", "))
    return separator.join(str(MATCH_KEYS.get(k, k)) for k in keys or ())


@register.filter
def match_key(key: str) -> Any:
    return MATCH_KEYS.get(key, key)


@register.filter
def stored_text(value: Any) -> Any:
    """A text the system stored in its source language (an event's reason such as "Re-routed after return"),
    shown in the reader's language; what a person typed is not in the catalogue and shows as typed."""
    if not isinstance(value, str) or not value:
        return value
    return gettext(value)
