"""The admin's lists are never filtered on a secret.

Django lets a list be filtered by any of its model's own fields from the query string, so that
``/admin/accounts/user/?temporary_password__startswith=argon2$argon2id$v=19$m=102400,t=2,p=8$``
would tell a login's password hash, one character after the other, by whether the login is
listed. Lookups that read a secret (a password or its hash, a temporary password, the key of an
authentication app, a calendar address's token…), on the model or across its relations, are
refused; a refused filter sends the list back without it, with a message (Django would answer
"400 Bad Request").
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

# Text fields named so hold secrets: password, temporary_password, key (django-otp's devices),
# session_key, token, secret, *_hash.
SECRET_NAME = re.compile(r"(^|_)(password|key|token|secret|hash)$")


def is_secret(field) -> bool:
    """Whether a model field holds a secret (a hash of one included)."""
    if not isinstance(field, (models.CharField, models.TextField, models.BinaryField)):
        return False
    declared = getattr(field.model, "secret_fields", ())
    return field.name in declared or bool(SECRET_NAME.search(field.name))


def reads_a_secret(model, lookup: str) -> bool:
    """Whether a query-string lookup (``user__password__startswith``) reads a secret field of
    ``model`` or of a model it reaches."""
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup (startswith) or a transform: the path ends here
        if is_secret(field):
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class SecretLookupsRefusedMixin:
    """For every ModelAdmin whose list staff can filter from the query string."""

    def lookup_allowed(self, lookup, value, request=None):
        if reads_a_secret(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DisallowedModelAdminLookup:
            messages.warning(
                request,
                _("This list cannot be filtered that way: it is shown without that filter."),
            )
            return HttpResponseRedirect(request.path)
