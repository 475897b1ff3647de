"""`python -m services.notifier`: run the notifier."""

from services.notifier import SERVICE
from services.notifier.app import create_app
from services.notifier.settings import NotifierSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, NotifierSettings(), create_app)
