from django.apps import AppConfig


class ImusePortalConfig(AppConfig):
    name = "imuse_portal"
    verbose_name = "iMuse"
