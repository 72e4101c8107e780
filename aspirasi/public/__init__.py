"""public screens."""
