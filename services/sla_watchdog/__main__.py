"""`python -m services.sla_watchdog`: run the SLA watchdog (health and metrics on its port)."""

from services.sla_watchdog import SERVICE
from services.sla_watchdog.app import create_app
from services.sla_watchdog.settings import SlaWatchdogSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, SlaWatchdogSettings(), create_app)
