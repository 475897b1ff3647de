"""`python -m services.console`: run the console."""

from services.console import SERVICE
from services.console.app import create_app
from services.console.settings import ConsoleSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, ConsoleSettings(), create_app)
