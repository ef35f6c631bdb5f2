"""Platform commands (demo, serve, run, import, plans, manage): registered on the main app."""
