"""`python -m services.reference_issuer`: run the reference issuer."""

from shared.serve import serve
from services.reference_issuer import SERVICE
from services.reference_issuer.app import create_app
from services.reference_issuer.settings import ReferenceIssuerSettings

if __name__ == "__main__":
    serve(SERVICE, ReferenceIssuerSettings(), create_app)
