"""SLA watchdog: keeps a clock on every reply promise and serves the operations view."""

SERVICE = "sla_watchdog"
