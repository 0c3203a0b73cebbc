import datetime as dt

import httpx
import pytest

from web.clients import _error_of
from web.geo import plot
from web.labels import date_label, week_label
from web.pages.account import _safe_next
from web.pages.employer import coming_weeks, offer_body


def test_a_service_error_keeps_its_code_and_french_message() -> None:
    body = {"error": {"code": "weeks_required", "message": "Choisissez une semaine."}}
    error = _error_of(httpx.Response(422, json=body))
    assert (error.status, error.code, error.message) == (
        422, "weeks_required", "Choisissez une semaine.",
    )  # fmt: skip


def test_a_validation_error_names_the_fields_in_french() -> None:
    detail = {"detail": [{"loc": ["body", "siret"], "msg": "x", "type": "y"}]}
    error = _error_of(httpx.Response(422, json=detail))
    assert error.code == "invalid_request"
    assert error.fields == ["siret"]
    assert "siret" in error.message


def test_weeks_read_in_french() -> None:
    assert week_label("2027-W03") == "semaine du 18 janvier 2027"
    assert week_label("n'importe quoi") == "n'importe quoi"


def test_dates_read_day_first() -> None:
    assert date_label("2026-11-24T20:53:19.104349Z") == "24/11/2026"
    assert date_label(None) == "-"
    assert date_label("bientôt") == "bientôt"


def test_coming_weeks_start_next_week() -> None:
    weeks = coming_weeks(dt.date(2026, 11, 24), count=3)
    assert weeks == ["2026-W49", "2026-W50", "2026-W51"]


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/eleve/cv", "/eleve/cv"), ("//ailleurs.fr", None), ("https://x.fr", None)],
)
def test_only_local_paths_follow_a_login(target: str, safe: str | None) -> None:
    assert _safe_next(target) == safe


def test_the_wizard_fields_make_an_offer_body() -> None:
    draft = {"title": "Boulanger", "siret": "", "grades": ["3e"],
             "weeks": ["2027-W03"], "seats": "2", "is_public": "non", "remote": "",
             "accessible": "oui", "publish": "oui", "hours_start": "08:30",
             "hours_end": "16:00"}  # fmt: skip
    body = offer_body(draft)
    assert body["seats"] == 2
    assert body["weekly_hours"] == ["08:30", "16:00"]
    assert body["accessible"] is True
    assert body["is_public"] is False
    assert "siret" not in body
    assert "publish" not in body


def test_points_sit_around_the_centre_within_the_radius() -> None:
    hits = [
        {"lat": 48.9, "lon": 2.5, "title": "A", "city": "B", "offer_id": "1"},
        {"lat": 48.8, "lon": 2.4, "title": "C", "city": "D", "offer_id": "2"},
    ]
    drawn = plot(48.85, 2.45, 10, hits)
    assert [p.number for p in drawn.points] == [1, 2]
    first, second = drawn.points
    assert first.x > drawn.centre > second.x
    assert first.y < drawn.centre < second.y
    for point in drawn.points:
        distance = (
            (point.x - drawn.centre) ** 2 + (point.y - drawn.centre) ** 2
        ) ** 0.5
        assert distance <= drawn.radius_px
