"""Stand-ins for the outside world that the product does not ship (an in-memory mailbox)."""
