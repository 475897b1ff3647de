"""`python -m services.reference_issuer`: run the reference issuer."""

from services.reference_issuer import SERVICE
from services.reference_issuer.app import create_app
from services.reference_issuer.settings import ReferenceIssuerSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SERVICE, ReferenceIssuerSettings(), create_app)
