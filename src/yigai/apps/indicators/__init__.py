"""Indicators in the platform: the catalogue in the database, data values with provenance and approval,
targets linked to plan targets, and status computed by :mod:`yigai.core.indicators`."""
