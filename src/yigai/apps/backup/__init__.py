"""Backup and restore of the database and the data directory (等保 8.1.4.9a: local backup and recovery,
with a recorded restore test). Not a Django app: no models, nothing to install."""
