"""Classifier: grades each report and decides what happens next."""

SERVICE = "classifier"
