from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import check_password
from django.utils.timezone import now

from accounts.models import User


def normalise_identifier(identifier: str) -> str:
    return identifier.strip().lower()


class FamilyBackend(ModelBackend):
    """Logs a family in by establishment, identifier and password (the Connexion page).

    Staff accounts never log in here: they use the admin's own login. An unknown identifier
    costs one password hash, like a known one, so that response times do not tell them apart.
    """

    def authenticate(self, request, establishment=None, identifier=None, password=None):
        if establishment is None or not identifier or password is None:
            return None
        try:
            user = User.objects.select_related("establishment").get(
                establishment=establishment,
                identifier=normalise_identifier(identifier),
                is_staff=False,
                is_superuser=False,
            )
        except User.DoesNotExist:
            User().set_password(password)
            return None
        if not establishment.is_active or not self.user_can_authenticate(user):
            return None
        if user.check_password(password):
            user.used_temporary_password = False
            return user
        if user.temporary_password and check_password(password, user.temporary_password):
            if user.temporary_password_expires_at and user.temporary_password_expires_at > now():
                user.used_temporary_password = True
                return user
            if request is not None:
                # Only someone who knows the mailed password learns that it expired.
                request.temporary_password_expired = True
        return None

    def get_user(self, user_id):
        """The logged-in user of a session; none once the account or its site is switched off."""
        user = User._default_manager.select_related("establishment").filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        if user.establishment is not None and not user.establishment.is_active:
            return None
        return user
