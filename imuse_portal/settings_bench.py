"""The benchmark's settings (``make bench``): the production settings as they are, plus a
URLconf that mounts a bare view beside the portal's pages, so that every figure has a
reference measured on the same server, middleware and session."""

from imuse_portal.settings import *  # noqa: F403

ROOT_URLCONF = "imuse_portal.urls_bench"
