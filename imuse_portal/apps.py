from django.apps import AppConfig


class ImusePortalConfig(AppConfig):
    name = "imuse_portal"
    verbose_name = "iMuse"

    def ready(self):
        from imuse_portal.source import running_version

        # Read at start: the version of the code this process runs, even if the files change.
        running_version()
