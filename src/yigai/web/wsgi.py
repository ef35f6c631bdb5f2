"""WSGI entry point (gunicorn ``yigai.web.wsgi:application``)."""

import os

# the web server writes every audit chain head move to its log (a copy outside the database)
os.environ.setdefault("YIGAI_AUDIT_HEAD_LOG", "INFO")

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yigai.web.settings")
from yigai.web.limits import buffered_body  # after the settings module is chosen

# Bodies are read whole, within the size cap and a deadline, before Django sees them (issue 13, finding 1).
application = buffered_body(get_wsgi_application())

# Import every view at start (gunicorn loads this before forking its workers; runserver's checks do the same),
# not in the first request after a start: the URL patterns pull in the API, the importers and their readers.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
