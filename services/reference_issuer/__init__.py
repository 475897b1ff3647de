"""Reference issuer: gives every report the reference number people read over the phone."""

SERVICE = "reference_issuer"
