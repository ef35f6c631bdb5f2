"""Framework-free domain code. Never imports Django (enforced by ruff TID251)."""
