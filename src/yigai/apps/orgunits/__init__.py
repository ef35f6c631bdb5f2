"""The orgunits app."""
