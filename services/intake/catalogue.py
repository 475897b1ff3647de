"""The catalogue of report types and the questions each asks (Open311 service definitions).

Each type's answers are a versioned pydantic model: it validates a submission's `answers`
and, rendered as JSON Schema, tells a form what to ask. Bump a type's version whenever its
questions change; the version travels with every report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    model_validator,
)

from shared.events import ReportType
from shared.text import MultiLineText, PersonName, SingleLineText

_REGISTRATION = re.compile(r"^(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{2,7}$")


def _normalised_registration(value: str) -> str:
    """`ab12 cde` -> `AB12CDE`; any UK format (current, prefix, suffix, dateless)."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if not _REGISTRATION.match(compact):
        raise ValueError("not a UK vehicle registration (2 to 7 letters and digits)")
    return compact


Registration = Annotated[
    str,
    Field(min_length=2, max_length=10, description="UK registration, e.g. AB12 CDE."),
    AfterValidator(_normalised_registration),
]
ShortText = Annotated[SingleLineText, Field(min_length=1, max_length=500)]
Place = Annotated[
    SingleLineText,
    Field(min_length=1, max_length=500, description="Where, as precisely as you can."),
]


class Answers(BaseModel):
    """Base of every type's answers: strict, trimmed, documented.

    Yes/no answers are `StrictBool`: some raise urgency, so `"yes"`, `1` or `"true"` are
    refused (422) rather than guessed at.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class CrimeKind(StrEnum):
    THEFT = "theft"
    BURGLARY = "burglary"
    CRIMINAL_DAMAGE = "criminal_damage"
    ASSAULT = "assault"
    HARASSMENT = "harassment"
    HATE_INCIDENT = "hate_incident"
    OTHER = "other"


class CrimeAnswers(Answers):
    crime_kind: CrimeKind = Field(description="What kind of crime it was.")
    occurred_at: AwareDatetime | None = Field(default=None, description="When it happened.")
    location: Place
    suspect_known: StrictBool = Field(default=False, description="You know who did it.")
    suspect_present: StrictBool = Field(default=False, description="The suspect is still there.")
    weapon_seen: StrictBool = Field(default=False, description="A weapon was seen or mentioned.")
    injuries: StrictBool = Field(default=False, description="Anyone was hurt.")


class Vehicle(Answers):
    registration: Registration
    make: ShortText | None = Field(default=None, description="Make, e.g. Ford.")
    colour: ShortText | None = Field(default=None, description="Colour.")
    reporters_vehicle: StrictBool = Field(default=False, description="This is your vehicle.")


class CollisionAnswers(Answers):
    occurred_at: AwareDatetime = Field(description="When the collision happened.")
    location: Place
    vehicles: list[Vehicle] = Field(min_length=1, max_length=20, description="Vehicles involved.")
    injuries: StrictBool = Field(description="Anyone was injured.")
    injury_details: ShortText | None = Field(default=None, description="Who was hurt, and how.")
    road_blocked: StrictBool = Field(default=False, description="The road is blocked now.")
    other_driver_stopped: StrictBool = Field(description="Every driver stopped and gave details.")

    @model_validator(mode="after")
    def _injuries_are_described(self) -> Self:
        if self.injuries and not self.injury_details:
            raise ValueError("injury_details is required when injuries is true")
        return self


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    CRYPTOCURRENCY = "cryptocurrency"
    GIFT_CARD = "gift_card"
    OTHER = "other"


class FraudAnswers(Answers):
    amount_lost_gbp: float = Field(ge=0, le=100_000_000, description="Money lost, in pounds.")
    payment_method: PaymentMethod = Field(description="How the money was paid.")
    first_contact: ShortText = Field(description="How the fraudster first contacted you.")
    ongoing: StrictBool = Field(default=False, description="The fraudster is still in contact.")
    bank_informed: StrictBool = Field(default=False, description="You have told your bank.")


class VehicleStatus(StrEnum):
    LOST = "lost"
    STOLEN = "stolen"


class VehicleAnswers(Answers):
    registration: Registration
    status: VehicleStatus = Field(description="Lost, or stolen.")
    make: ShortText = Field(description="Make, e.g. Ford.")
    model: ShortText | None = Field(default=None, description="Model, e.g. Fiesta.")
    colour: ShortText = Field(description="Colour.")
    keys_taken: StrictBool = Field(default=False, description="The keys were taken too.")
    last_seen_at: AwareDatetime = Field(description="When you last saw it.")
    last_seen_location: Place


class AsbCategory(StrEnum):
    NOISE = "noise"
    VANDALISM = "vandalism"
    DRUGS = "drugs"
    NUISANCE_VEHICLES = "nuisance_vehicles"
    ROWDY_BEHAVIOUR = "rowdy_behaviour"
    OTHER = "other"


class AsbAnswers(Answers):
    category: AsbCategory = Field(description="What kind of behaviour.")
    location: Place
    ongoing: StrictBool = Field(default=False, description="It is going on now.")
    happens_regularly: StrictBool = Field(default=False, description="It keeps happening.")


class MissingPersonAnswers(Answers):
    person_name: Annotated[PersonName, Field(min_length=1, max_length=500)] = Field(
        description="The missing person's name."
    )
    age: int = Field(ge=0, le=120, description="Their age in years.")
    appearance: Annotated[MultiLineText, Field(min_length=1, max_length=2000)] = Field(
        description="Height, build, hair, clothing: how to recognise them."
    )
    last_seen_at: AwareDatetime = Field(description="When they were last seen.")
    last_seen_location: Place
    vulnerable: StrictBool = Field(default=False, description="They are at risk (health, age...).")
    relationship: ShortText | None = Field(default=None, description="Who they are to you.")


class LostOrFound(StrEnum):
    LOST = "lost"
    FOUND = "found"


class ItemCategory(StrEnum):
    PHONE = "phone"
    WALLET_OR_PURSE = "wallet_or_purse"
    BAG = "bag"
    JEWELLERY = "jewellery"
    DOCUMENTS = "documents"
    KEYS = "keys"
    OTHER = "other"


class PropertyAnswers(Answers):
    lost_or_found: LostOrFound = Field(description="You lost it, or found it.")
    item_category: ItemCategory = Field(description="What kind of item.")
    item_description: ShortText = Field(description="Make, colour, marks: how to recognise it.")
    location: Place
    occurred_at: AwareDatetime | None = Field(default=None, description="When.")


class FeedbackKind(StrEnum):
    THANKS = "thanks"
    DISSATISFACTION = "dissatisfaction"


class FeedbackAnswers(Answers):
    kind: FeedbackKind = Field(description="Thanks, or dissatisfaction.")
    officer_or_team: ShortText | None = Field(default=None, description="Who it is about.")
    related_reference: ShortText | None = Field(
        default=None, description="The reference of the matter it is about, if any."
    )


@dataclass(frozen=True)
class ReportTypeDefinition:
    """One entry of the catalogue."""

    report_type: ReportType
    name: str
    description: str
    group: str
    version: str
    answers: type[Answers]


CATALOGUE: dict[ReportType, ReportTypeDefinition] = {
    d.report_type: d
    for d in (
        ReportTypeDefinition(
            ReportType.CRIME,
            "Report a crime",
            "Theft, burglary, damage, assault, harassment or a hate incident.",
            "crime",
            "1",
            CrimeAnswers,
        ),
        ReportTypeDefinition(
            ReportType.ROAD_TRAFFIC_COLLISION,
            "Report a road traffic collision",
            "A collision on a road, with or without injuries.",
            "roads",
            "1",
            CollisionAnswers,
        ),
        ReportTypeDefinition(
            ReportType.FRAUD,
            "Report fraud",
            "Scams and fraud. Reports are referred to Report Fraud, the national service.",
            "crime",
            "1",
            FraudAnswers,
        ),
        ReportTypeDefinition(
            ReportType.LOST_OR_STOLEN_VEHICLE,
            "Report a lost or stolen vehicle",
            "A vehicle that was stolen, or that you cannot find.",
            "roads",
            "1",
            VehicleAnswers,
        ),
        ReportTypeDefinition(
            ReportType.ANTI_SOCIAL_BEHAVIOUR,
            "Report anti-social behaviour",
            "Noise, vandalism, drug use, nuisance vehicles or rowdy behaviour.",
            "community",
            "1",
            AsbAnswers,
        ),
        ReportTypeDefinition(
            ReportType.MISSING_PERSON,
            "Report a missing person",
            "Someone whose whereabouts are unknown. Always treated as urgent.",
            "people",
            "1",
            MissingPersonAnswers,
        ),
        ReportTypeDefinition(
            ReportType.LOST_OR_FOUND_PROPERTY,
            "Report lost or found property",
            "Something you lost, or something you found and handed in.",
            "property",
            "1",
            PropertyAnswers,
        ),
        ReportTypeDefinition(
            ReportType.FEEDBACK,
            "Give feedback",
            "Thanks, or dissatisfaction with the service you received.",
            "feedback",
            "1",
            FeedbackAnswers,
        ),
    )
}
