"""The five frontdesk services; none imports another."""
