"""`python -m services.intake`: run intake on its HTTP port."""

from services.intake import SERVICE
from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, IntakeSettings(), create_app)
