#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imuse_portal.settings")
    if "DATABASE_URL" not in os.environ:
        # No environment at all is a development checkout on its embedded SQLite file: commands
        # run in development mode there. A real installation sets DATABASE_URL (and DEBUG=0),
        # and gunicorn (wsgi.py) never takes this default.
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
