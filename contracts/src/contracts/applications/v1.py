"""Events of the internship application aggregate, version 1.

Topic `applications.internship_application.v1`. One event per transition of the life
cycle. They carry what statistics and the offers' seat counts need (ids, offer,
sector, weeks, school, department, ministry, public or private, the pupil's grade and
gender), never a name, an email, a phone number or a free-text reason.
"""

from typing import Literal
from uuid import UUID

from pydantic import Field

from contracts.common import Gender, Grade, IsoWeek, Uai
from contracts.envelope import EventBase, Frozen, event_type_field

ApplicationStatus = Literal[
    "submitted",
    "read_by_employer",
    "examined",
    "validated_by_employer",
    "approved",
    "rejected",
    "canceled_by_employer",
    "canceled_by_pupil",
    "canceled_by_pupil_confirmation",
    "expired",
]


class ApplicationFacts(Frozen):
    """What an application is about, the same in every event of the application."""

    pupil_id: UUID = Field(
        description="The pupil (an id, never a name).",
        examples=["4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"],
    )
    offer_id: UUID = Field(
        description="The offer applied to.",
        examples=["7c9e6679-7425-40de-944b-e07fc1f90ae7"],
    )
    weeks: tuple[IsoWeek, ...] = Field(
        min_length=1, description="Weeks applied for.", examples=[["2027-W03"]]
    )
    school_year: int = Field(
        ge=2020, le=2100, description="First year of the school year.", examples=[2026]
    )
    sector_id: UUID = Field(
        description="ONISEP sector of the offer.",
        examples=["b7564ac4-e184-41c4-a7a9-57233a9d244a"],
    )
    offer_department_code: str = Field(
        description="Department of the offer's address.", examples=["35"]
    )
    is_public: bool = Field(
        description="The host is a public employer.", examples=[False]
    )
    ministry: str | None = Field(
        default=None,
        description="Ministry of a public host (tutelle).",
        examples=["Ministère des Armées"],
    )
    school_uai: Uai = Field(description="The pupil's school.")
    school_department_code: str = Field(
        description="Department of the pupil's school.", examples=["35"]
    )
    grade: Grade = Field(description="The pupil's grade.", examples=["3e"])
    gender: Gender = Field(description="The pupil's gender.", examples=["f"])


class ApplicationEvent(EventBase):
    """Fields common to every application event."""

    application: ApplicationFacts = Field(description="What the application is about.")
    status: ApplicationStatus = Field(
        description="Status after the transition.", examples=["submitted"]
    )
    previous_status: ApplicationStatus | None = Field(
        description="Status before the transition (none when submitted).",
        examples=[None],
    )
    actor: Literal["pupil", "employer", "system"] = Field(
        description="Who made the transition: the pupil, the employer or a timer.",
        examples=["pupil"],
    )


class ApplicationSubmitted(ApplicationEvent):
    """A pupil sent an application."""

    event_type: Literal["application.submitted"] = event_type_field(
        "application.submitted"
    )


class ApplicationRead(ApplicationEvent):
    """The employer opened the application."""

    event_type: Literal["application.read"] = event_type_field("application.read")


class ApplicationExamined(ApplicationEvent):
    """The employer put the application under study."""

    event_type: Literal["application.examined"] = event_type_field(
        "application.examined"
    )


class ApplicationTransferred(ApplicationEvent):
    """The employer handed the application to a colleague."""

    event_type: Literal["application.transferred"] = event_type_field(
        "application.transferred"
    )


class ApplicationValidated(ApplicationEvent):
    """The employer accepted the pupil; the pupil has 15 days to confirm."""

    event_type: Literal["application.validated"] = event_type_field(
        "application.validated"
    )


class ApplicationApproved(ApplicationEvent):
    """The pupil confirmed: the internship will take place, a seat is taken."""

    event_type: Literal["application.approved"] = event_type_field(
        "application.approved"
    )


class ApplicationRejected(ApplicationEvent):
    """The employer refused the application."""

    event_type: Literal["application.rejected"] = event_type_field(
        "application.rejected"
    )


class ApplicationCanceledByEmployer(ApplicationEvent):
    """The employer cancelled the application (a seat is freed if it was approved)."""

    event_type: Literal["application.canceled_by_employer"] = event_type_field(
        "application.canceled_by_employer"
    )


class ApplicationCanceledByPupil(ApplicationEvent):
    """The pupil cancelled the application (a seat is freed if it was approved)."""

    event_type: Literal["application.canceled_by_pupil"] = event_type_field(
        "application.canceled_by_pupil"
    )


class ApplicationCanceledByPupilConfirmation(ApplicationEvent):
    """Cancelled because the pupil confirmed another internship on the same week."""

    event_type: Literal["application.canceled_by_pupil_confirmation"] = (
        event_type_field("application.canceled_by_pupil_confirmation")
    )


class ApplicationExpired(ApplicationEvent):
    """The employer did not answer in time, or the pupil did not confirm in time."""

    event_type: Literal["application.expired"] = event_type_field("application.expired")


class ApplicationRestored(ApplicationEvent):
    """The pupil restored an application they had cancelled (once at most)."""

    event_type: Literal["application.restored"] = event_type_field(
        "application.restored"
    )


APPLICATION_EVENTS = (
    ApplicationSubmitted,
    ApplicationRead,
    ApplicationExamined,
    ApplicationTransferred,
    ApplicationValidated,
    ApplicationApproved,
    ApplicationRejected,
    ApplicationCanceledByEmployer,
    ApplicationCanceledByPupil,
    ApplicationCanceledByPupilConfirmation,
    ApplicationExpired,
    ApplicationRestored,
)
