"""`python -m services.classifier`: run the classifier."""

from services.classifier import SERVICE
from services.classifier.app import create_app
from services.classifier.settings import ClassifierSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, ClassifierSettings(), create_app)
