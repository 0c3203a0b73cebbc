"""Value types shared by several contracts."""

from typing import Annotated, Literal

from pydantic import Field

from contracts.envelope import Frozen

Grade = Literal["4e", "3e", "2de"]
"""Grade of the pupils: 4e and 3e at collège, 2de at lycée."""

IsoWeek = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$",
        description="ISO 8601 week, e.g. `2027-W24`.",
        examples=["2027-W24"],
    ),
]

Uai = Annotated[
    str,
    Field(
        pattern=r"^\d{7}[A-Z]$",
        description="UAI, the national code of a school (7 digits and a letter).",
        examples=["0350044H"],
    ),
]


class GeoPoint(Frozen):
    """A WGS84 point."""

    lat: float = Field(ge=-90, le=90, description="Latitude.", examples=[48.6509])
    lon: float = Field(ge=-180, le=180, description="Longitude.", examples=[-2.00601])


Gender = Literal["f", "m", "not_said"]
"""Gender as the pupil gave it: female, male, or not said."""
