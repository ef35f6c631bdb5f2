"""`yigai extract`: policy documents in, the yigai.plan/1 JSON (or a table for people) out."""
