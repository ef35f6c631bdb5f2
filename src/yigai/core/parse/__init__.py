"""Policy-document understanding: readers, normalisation, structure, units, deadlines, targets."""
