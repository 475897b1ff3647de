"""Intake: the front door. Accepts reports over HTTP and publishes ReportSubmitted."""

SERVICE = "intake"
