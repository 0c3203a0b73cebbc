"""Refusals of the applications domain: a stable code, and French for people."""


class ApplicationsError(Exception):
    """Base of every refusal; `code` is stable, `message` is shown to people."""

    code = "applications_error"
    message = "La demande ne peut pas aboutir."

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class NotFound(ApplicationsError):
    code = "application_not_found"
    message = "Candidature introuvable."


class ParentalAuthorisationMissing(ApplicationsError):
    code = "parental_authorisation_missing"
    message = (
        "Votre autorisation parentale n'a pas encore été enregistrée par votre "
        "établissement : vous pourrez postuler dès qu'elle le sera."
    )


class OfferUnavailable(ApplicationsError):
    code = "offer_unavailable"
    message = "Cette offre n'est plus disponible."


class GradeNotTargeted(ApplicationsError):
    code = "grade_not_targeted"
    message = "Cette offre ne s'adresse pas aux élèves de votre niveau."


class WeeksRequired(ApplicationsError):
    code = "weeks_required"
    message = "Choisissez au moins une semaine de stage."


class WeekNotOffered(ApplicationsError):
    code = "week_not_offered"
    message = "L'offre n'est pas proposée sur la semaine choisie."


class WeekNotSchoolWeek(ApplicationsError):
    code = "week_not_school_week"
    message = (
        "La semaine choisie n'est pas une semaine de stage de votre établissement."
    )


class OfferReserved(ApplicationsError):
    code = "offer_reserved"
    message = "Cette offre est réservée aux élèves d'autres établissements."


class AlreadyApplied(ApplicationsError):
    code = "already_applied"
    message = "Vous avez déjà postulé à cette offre pour cette semaine."


class MotivationRequired(ApplicationsError):
    code = "motivation_required"
    message = "Écrivez quelques lignes de motivation avant d'envoyer votre candidature."


class TransitionNotAllowed(ApplicationsError):
    code = "transition_not_allowed"
    message = "Cette action n'est pas possible pour cette candidature."


class ActorNotAllowed(ApplicationsError):
    code = "transition_forbidden"
    message = "Vous ne pouvez pas faire cette action sur cette candidature."


class ReasonRequired(ApplicationsError):
    code = "reason_required"
    message = "Indiquez un motif."


class TransferTargetRequired(ApplicationsError):
    code = "transfer_target_required"
    message = "Choisissez la personne à qui transmettre la candidature."


class RestoreAlreadyUsed(ApplicationsError):
    code = "restore_already_used"
    message = "Une candidature annulée ne peut être rétablie qu'une seule fois."


class InternshipLimitReached(ApplicationsError):
    code = "internship_limit_reached"
    message = "Vous avez déjà confirmé le nombre de stages permis pour cette année."


class WeekAlreadyTaken(ApplicationsError):
    code = "week_already_taken"
    message = "Vous avez déjà un stage confirmé sur cette semaine."


class NoSeatLeft(ApplicationsError):
    code = "no_seat_left"
    message = "Il n'y a plus de place dans cette offre pour cette semaine."


class PupilUnknown(ApplicationsError):
    code = "pupil_unknown"
    message = "Votre compte élève n'est pas encore rattaché à un établissement."


class NotAParty(ApplicationsError):
    code = "not_a_party"
    message = "Cette candidature ne vous concerne pas."
