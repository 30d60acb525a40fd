from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password, make_password
from django.utils.crypto import get_random_string
from django.utils.timezone import now

from accounts.models import User


@cache
def _decoy_hash() -> str:
    """Checked when an account has no temporary password, so that every attempt costs two
    hashes (an unusable hash would be refused without hashing)."""
    return make_password(get_random_string(32))


def normalise_identifier(identifier: str) -> str:
    return identifier.strip().lower()


class FamilyBackend(ModelBackend):
    """Logs a family in by establishment, identifier and password (the Connexion page).

    Staff accounts never log in here: they use the admin's own login. Every attempt computes
    the same two password hashes (the personal and the temporary password), whether the
    identifier exists, the account is active or it holds a temporary password, so that
    response times tell nothing about accounts.
    """

    def authenticate(self, request, establishment=None, identifier=None, password=None):
        if establishment is None or not identifier or password is None:
            return None
        user = (
            User.objects.select_related("establishment")
            .filter(
                establishment=establishment,
                identifier=normalise_identifier(identifier),
                is_staff=False,
                is_superuser=False,
            )
            .first()
        )
        if user is None:
            User().set_password(password)
            check_password(password, _decoy_hash())
            return None
        personal = user.check_password(password)
        temporary = check_password(password, user.temporary_password or _decoy_hash())
        if not establishment.is_active or not self.user_can_authenticate(user):
            return None
        if personal:
            user.used_temporary_password = False
            return user
        if temporary and user.temporary_password:
            if user.temporary_password_expires_at and user.temporary_password_expires_at > now():
                user.used_temporary_password = True
                return user
            if request is not None:
                # Only someone who knows the mailed password learns that it expired.
                request.temporary_password_expired = True
        return None

    def get_user(self, user_id):
        """The logged-in user of a session; none once the account or its site is switched off."""
        # The family login's guardian comes in the same query: every family page needs it (the
        # family that scopes what the page reads, family_id_for).
        user = (
            User._default_manager.select_related("establishment", "guardian")
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if user.establishment is not None and not user.establishment.is_active:
            return None
        return user


class StaffBackend(ModelBackend):
    """Logs staff and superusers in by username and password (the admin's login page).

    A family login never authenticates here, whatever is typed (``c1:abarre1`` included): its
    right password gets the answer of a wrong one and counts as a failed login, so that the
    admin's login page neither tells a family's password apart nor escapes the failure limits.
    """

    def user_can_authenticate(self, user):
        return (user.is_staff or user.is_superuser) and super().user_can_authenticate(user)
