"""The portal's password policy and its temporary passwords."""

import secrets
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 20
STAFF_MIN_LENGTH = 12  # staff and superusers: longer, no maximum (passphrases welcome)


class PortalPolicyValidator:
    """8 to 20 characters, at least one upper-case letter, one lower-case letter and one digit."""

    def validate(self, password: str, user=None) -> None:
        errors = []
        if user is not None and (user.is_staff or user.is_superuser):
            if len(password) < STAFF_MIN_LENGTH:
                errors.append(
                    ValidationError(
                        _("A staff password must have at least %(min)d characters.")
                        % {"min": STAFF_MIN_LENGTH},
                        code="password_too_short",
                    )
                )
        elif not MIN_LENGTH <= len(password) <= MAX_LENGTH:
            errors.append(
                ValidationError(
                    _("The password must have between %(min)d and %(max)d characters.")
                    % {"min": MIN_LENGTH, "max": MAX_LENGTH},
                    code="password_length",
                )
            )
        if not any(char.isupper() for char in password):
            errors.append(
                ValidationError(_("The password must contain an upper-case letter."), "upper")
            )
        if not any(char.islower() for char in password):
            errors.append(
                ValidationError(_("The password must contain a lower-case letter."), "lower")
            )
        if not any(char in string.digits for char in password):
            errors.append(ValidationError(_("The password must contain a digit."), "digit"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "The new password must have between 8 and 20 characters, and contain at least "
            "one upper-case letter, one lower-case letter and one digit."
        )


# Letters and digits that cannot be mistaken for one another when copied from a mail.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "Il1O0o")


def generate_temporary_password(length: int = 12) -> str:
    """A random password that meets the policy (so that it can be kept if the family wishes)."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if (
            any(c.isupper() for c in password)
            and any(c.islower() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password
