"""Demo officials and sample cases for the embedded default."""
