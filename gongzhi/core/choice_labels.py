"""The label of a model's choice field (`get_status_display()`), read from a dict built once per
field. Django builds a new dict of the field's choices on every call and hashes each of its
labels, which are lazy translations, so each hash translates the label again; a work queue
page makes a few hundred such calls (~3 ms of a page's ~30 ms of CPU at 1M cases)."""

from typing import Any

from django.db import models
from django.utils.encoding import force_str


class ChoiceLabels(models.Model):
    """Mixed into models whose choice labels are shown in lists (cases, their events)."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> Any:  # noqa: N802 (Django's name)
        labels = field.__dict__.get("_labels_by_value")
        if labels is None:
            labels = field.__dict__["_labels_by_value"] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a list in a JSON field): Django's own way
            return super()._get_FIELD_display(field)
        # The lazy label is translated now, in the language of this request.
        return force_str(label, strings_only=True)
