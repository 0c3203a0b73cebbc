"""Refusals of the identity domain: a stable code and a French message."""


class IdentityError(Exception):
    """Base of every expected refusal; `code` is stable, `message` is for people."""

    code = "identity_error"
    message = "Opération refusée."

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.message = message or type(self).message
        self.details = details
        super().__init__(self.message)


class NotFound(IdentityError):
    code = "not_found"
    message = "Ressource introuvable."


class UnknownUai(NotFound):
    code = "unknown_uai"
    message = "Aucun établissement ne porte ce code UAI."


class WrongAcademicDomain(IdentityError):
    code = "wrong_academic_domain"
    message = (
        "Utilisez l'adresse académique de l'établissement (ce.<UAI>@ac-<académie>.fr)."
    )


class SchoolAlreadyRegistered(IdentityError):
    code = "school_already_registered"
    message = "Cet établissement est déjà inscrit sur la plateforme."


class DuplicateEmail(IdentityError):
    code = "duplicate_email"
    message = "Un compte existe déjà avec cette adresse électronique."


class DuplicatePhone(IdentityError):
    code = "duplicate_phone"
    message = "Un compte existe déjà avec ce numéro de téléphone."


class MalformedPhone(IdentityError):
    code = "malformed_phone"
    message = "Indiquez un numéro de téléphone mobile français (06 ou 07)."


class MalformedEmail(IdentityError):
    code = "malformed_email"
    message = "Adresse électronique invalide."


class ContactRequired(IdentityError):
    code = "contact_required"
    message = "Indiquez une adresse électronique ou un numéro de téléphone mobile."


class WeakPassword(IdentityError):
    code = "weak_password"
    message = (
        "Le mot de passe doit compter au moins 12 caractères, avec des minuscules, "
        "des majuscules, des chiffres et des caractères spéciaux."
    )


class InvalidCredentials(IdentityError):
    code = "invalid_credentials"
    message = "Identifiant ou mot de passe incorrect."


class AccountLocked(IdentityError):
    code = "account_locked"
    message = "Trop d'essais infructueux: compte bloqué pendant 15 minutes."


class AccountNotActivated(IdentityError):
    code = "account_not_activated"
    message = "Activez votre compte avec le lien reçu avant de vous connecter."


class TokenExpired(IdentityError):
    code = "token_expired"
    message = "Ce lien a expiré, demandez-en un nouveau."


class TokenInvalid(IdentityError):
    code = "token_invalid"
    message = "Ce lien n'est pas valide."


class TokenReused(IdentityError):
    code = "token_reused"
    message = "Ce lien a déjà servi; par sécurité, reconnectez-vous."


class Forbidden(IdentityError):
    code = "forbidden"
    message = "Vous n'avez pas les droits pour cette action."


class InvalidWeeks(IdentityError):
    code = "invalid_weeks"
    message = "Semaines de stage invalides pour cette année scolaire."


class InvalidInput(IdentityError):
    code = "invalid_input"
    message = "Données invalides."


class AuthorisationMissing(IdentityError):
    code = "parental_authorisation_missing"
    message = "L'autorisation parentale n'a pas encore été enregistrée."
