"""`python -m services.alerting`: run the alerting service."""

from services.alerting import SERVICE
from services.alerting.app import create_app
from services.alerting.settings import AlertingSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, AlertingSettings(), create_app)
