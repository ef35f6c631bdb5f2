"""Thin Django apps: models, services (writes), selectors (reads), api, views, templates."""
