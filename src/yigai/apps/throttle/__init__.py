"""Rate-limit counters shared by every server process (one database row per client and scope)."""
