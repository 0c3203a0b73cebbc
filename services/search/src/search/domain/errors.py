class SearchError(Exception):
    """A refusal of the search service: `code` is stable, `message` is French."""

    code = "search_error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlaceNotFound(SearchError):
    code = "place_not_found"
    status = 422


class InvalidSearch(SearchError):
    code = "invalid_search"
    status = 422


class SearchUnavailable(SearchError):
    code = "search_unavailable"
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "La recherche d'offres est momentanément indisponible. "
            "Réessayez dans quelques instants."
        )


class OfferNotFound(SearchError):
    code = "offer_not_found"
    status = 404

    def __init__(self) -> None:
        super().__init__("Cette offre n'existe pas ou n'est plus proposée.")
