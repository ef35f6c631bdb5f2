"""Data generations: a counter per kind of data, moved by the database itself on every write, so cached
pages and fragments are keyed by the data they were built from and never served stale."""
