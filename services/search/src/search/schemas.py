"""Shapes of the search API's answers."""

from typing import Literal

from pydantic import BaseModel, Field


class OfferHit(BaseModel):
    offer_id: str
    title: str
    employer_name: str
    sector_id: str
    sector_name: str
    city: str
    postal_code: str
    is_public: bool
    remote: bool
    accessible: bool
    weeks: list[str]
    full_weeks: list[str] = Field(
        description="Semaines où toutes les places sont prises (l'offre reste "
        "trouvable pour ses autres semaines)."
    )
    grades: list[str]
    seats: int = Field(
        description="Élèves accueillis par semaine ; les semaines de `full_weeks` "
        "n'ont plus de place, les autres en ont au moins une."
    )
    lat: float
    lon: float
    distance_km: float | None = Field(
        default=None, description="Distance au lieu cherché, quand il y en a un."
    )


class OfferDetail(OfferHit):
    """One visible offer, for its public page."""

    description: str
    seats: int
    school_year: int


class SectorFacet(BaseModel):
    sector_id: str
    sector_name: str
    count: int


class AppliedCriteria(BaseModel):
    """The criteria actually used, defaults included."""

    keyword: str | None
    lat: float | None
    lon: float | None
    radius_km: float | None = Field(
        description="Absent sans lieu, ou pour la recherche nationale d'un élève "
        "(toute la France, les plus proches de son établissement d'abord)."
    )
    weeks: list[str]
    grade: str | None
    sort: Literal["distance", "relevance"]
    typo_tolerant: bool = Field(
        description="Vrai quand les mots exacts ne trouvaient rien et que la "
        "recherche a toléré des fautes de frappe."
    )


class SearchPage(BaseModel):
    total: int
    total_is_lower_bound: bool = Field(
        default=False, description="Vrai quand il y a plus de 10 000 résultats."
    )
    page: int
    page_size: int
    results: list[OfferHit]
    facets: list[SectorFacet]
    is_suggestion: bool = Field(
        default=False,
        description="Vrai quand rien ne correspondait et que ces offres sont des "
        "suggestions (rayon élargi, puis sans mot-clé).",
    )
    suggestion_kind: Literal["wider_radius", "without_keyword"] | None = None
    criteria: AppliedCriteria


class PlaceSuggestion(BaseModel):
    city: str
    postal_code: str
    department_code: str
    lat: float
    lon: float


class KeywordSuggestion(BaseModel):
    text: str
