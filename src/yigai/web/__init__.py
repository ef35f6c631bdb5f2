"""The Django project: env-driven settings, URLs, WSGI/ASGI entry points."""
