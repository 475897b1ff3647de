"""Alerting: tells a person on duty of a report that needs one (a possible emergency, a
promise at risk or broken, a reply that could not be delivered), up an escalation ladder
until somebody acknowledges, and ends the alert when it needs nobody any more."""

SERVICE = "alerting"
