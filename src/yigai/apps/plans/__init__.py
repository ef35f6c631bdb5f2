"""The plans app."""
