"""surplus."""
