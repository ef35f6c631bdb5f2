"""ASGI entry point."""

import os

# the web server writes every audit chain head move to its log (a copy outside the database)
os.environ.setdefault("YIGAI_AUDIT_HEAD_LOG", "INFO")

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yigai.web.settings")
application = get_asgi_application()
