"""The contract and the plumbing every frontdesk service shares; no business rules."""
