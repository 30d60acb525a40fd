"""What the project adds to Django's admin for screen readers.

Django's tabular inlines and editable lists render their fields without a <label> (the column
header stands for it), and a date-and-time field's two boxes share one label that points to
neither: each such widget is given a name of its own (``aria-label``), in the request's language
(form classes are built for each request)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _


def _name_parts(field) -> None:
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        parts = (
            [_("date"), _("time")]
            if isinstance(widget, forms.SplitDateTimeWidget)
            else [str(n) for n in range(1, len(widget.widgets) + 1)]
        )
        for sub, part in zip(widget.widgets, parts, strict=False):
            sub.attrs.setdefault("aria-label", f"{field.label} ({part})")


def labelled(form_class, *, every_field: bool = True):
    """``form_class`` with its widgets named: every field's (rows without labels), or only the
    parts of multi-box fields (forms whose fields have labels)."""
    for field in form_class.base_fields.values():
        if not field.label:
            continue
        _name_parts(field)
        if every_field and not isinstance(field.widget, forms.MultiWidget):
            field.widget.attrs.setdefault("aria-label", str(field.label))
    return form_class


def _labelled_formset(formset):
    """The formset, its rows' added fields (the *Delete* box) named too."""

    def add_fields(self, form, index):
        super(labelled_class, self).add_fields(form, index)
        for name in ("DELETE", "ORDER"):
            if name in form.fields:
                form.fields[name].widget.attrs.setdefault(
                    "aria-label", str(form.fields[name].label)
                )

    labelled(formset.form)
    labelled_class = type(formset.__name__, (formset,), {"add_fields": add_fields})
    return labelled_class


class LabelledWidgetsMixin:
    """For ModelAdmins (their forms and editable lists) and inlines (tabular rows)."""

    def get_form(self, request, obj=None, **kwargs):
        return labelled(super().get_form(request, obj, **kwargs), every_field=False)

    def get_formset(self, request, obj=None, **kwargs):
        return _labelled_formset(super().get_formset(request, obj, **kwargs))

    def get_changelist_formset(self, request, **kwargs):
        return _labelled_formset(super().get_changelist_formset(request, **kwargs))
