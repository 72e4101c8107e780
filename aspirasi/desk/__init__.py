"""desk screens."""
