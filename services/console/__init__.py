"""The operations console: staff sign in with the force's identity provider, see the queue
of reports by time to breach, open any report their role allows (what the reporter wrote,
how it was graded and why, what was sent and whether it arrived), and every look at
personal data is written to the access log (Data Protection Act 2018, Part 3, s.62).

Its read model is its own, projected from every event topic: it reads no other service's
database (CQRS)."""

SERVICE = "console"
