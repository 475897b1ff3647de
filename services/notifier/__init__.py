"""Notifier: sends each reporter their reply, once, through a channel that is safe for them."""

SERVICE = "notifier"
