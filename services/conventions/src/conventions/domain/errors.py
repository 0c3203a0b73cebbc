"""Refusals of the conventions domain: a stable code, and French for people."""


class ConventionsError(Exception):
    code = "conventions_error"
    message = "La demande ne peut pas aboutir."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class NotFound(ConventionsError):
    code = "convention_not_found"
    message = "Convention introuvable."


class NotAParty(ConventionsError):
    code = "not_a_party"
    message = (
        "Seules les parties à la convention et leur établissement peuvent y accéder."
    )


class WrongStep(ConventionsError):
    code = "wrong_step"
    message = "Cette étape n'est pas encore possible pour cette convention."


class MissingFields(ConventionsError):
    code = "missing_fields"
    message = "Des informations obligatoires manquent."

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(f"Informations obligatoires manquantes : {', '.join(fields)}.")


class TooManyDays(ConventionsError):
    code = "too_many_days"
    message = "Un stage de 3e dure au plus 5 jours consécutifs."


class NotASigner(ConventionsError):
    code = "not_a_signer"
    message = "Vous n'avez pas à signer cette convention."


class AlreadySigned(ConventionsError):
    code = "already_signed"
    message = "Vous avez déjà signé cette convention."


class WrongCode(ConventionsError):
    code = "wrong_code"
    message = "Code incorrect."


class CodeExpired(ConventionsError):
    code = "code_expired"
    message = "Ce code a expiré : demandez-en un nouveau."


class CodeVoid(ConventionsError):
    code = "code_void"
    message = "Trop d'essais : ce code n'est plus valable, demandez-en un nouveau."


class LinkUsed(ConventionsError):
    code = "link_used"
    message = "Ce lien a déjà servi ; demandez un nouveau lien à l'établissement."


class Cancelled(ConventionsError):
    code = "convention_cancelled"
    message = "Cette convention a été annulée."


class NoContact(ConventionsError):
    code = "no_contact"
    message = (
        "Aucune adresse ni aucun numéro pour vous envoyer le code : "
        "complétez votre compte."
    )
