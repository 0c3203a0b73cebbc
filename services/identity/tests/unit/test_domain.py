import uuid

import jwt
import pytest
from pydantic import ValidationError

from identity.authorisation_form import render
from identity.domain.credentials import (
    Passwords,
    check_policy,
    normalise_phone,
    split_login,
)
from identity.domain.errors import InvalidWeeks, MalformedPhone, WeakPassword
from identity.domain.weeks import seconde_weeks, validate_weeks
from identity.settings import Settings
from identity.signing import Signer, generate_pem
from kit.auth import Principal, Role, TokenError, TokenVerifier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033712345678", "+33712345678"),
    ],
)
def test_french_mobiles(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["01 23 45 67 89", "06123", "+44 7700 900123", "abc"])
def test_not_french_mobiles(raw: str) -> None:
    with pytest.raises(MalformedPhone):
        normalise_phone(raw)


@pytest.mark.parametrize(
    "password",
    [
        "Court-1a",
        "tout-en-minuscules-1",
        "TOUT-EN-MAJUSCULES-1",
        "SansChiffres-!!",
        "SansSpecial123A",
    ],
)
def test_weak_passwords(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_policy(password)


def test_argon2_round_trip() -> None:
    passwords = Passwords()
    stored = passwords.hash("Correct-Horse-42!")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3")
    assert passwords.verify(stored, "Correct-Horse-42!")
    assert not passwords.verify(stored, "Correct-Horse-43!")
    assert not passwords.verify(None, "Correct-Horse-42!")
    assert not passwords.verify("pas-un-hachage", "Correct-Horse-42!")
    cheaper = Passwords(time_cost=1, memory_kib=64)
    assert cheaper.verify(stored, "Correct-Horse-42!")
    with pytest.raises(WeakPassword):
        cheaper.hash("faible")


def test_login_identifier_is_email_or_phone() -> None:
    assert split_login("Inès@Exemple.FR") == ("inès@exemple.fr", None)
    assert split_login("0612345678") == (None, "+33612345678")


def test_seconde_weeks_match_the_national_calendar() -> None:
    assert seconde_weeks(2024) == ("2025-W25", "2025-W26")  # 16-27 June 2025
    assert seconde_weeks(2025) == ("2026-W25", "2026-W26")  # 15-26 June 2026


def test_weeks_must_be_in_the_school_year() -> None:
    assert validate_weeks(
        ["2027-W03", "2026-W50", "2027-W03"], school_year=2026, lycee=False
    ) == ["2026-W50", "2027-W03"]
    for bad in (["2027-W40"], ["2026-W99"], ["semaine 3"], []):
        with pytest.raises(InvalidWeeks):
            validate_weeks(bad, school_year=2026, lycee=False)
    assert validate_weeks(["2027-W03"], school_year=2026, lycee=True) == list(
        seconde_weeks(2026)
    )


def test_issued_tokens_pass_the_shared_verifier() -> None:
    signer = Signer.from_pem(generate_pem(), ttl_seconds=900)
    principal = Principal(
        user_id=uuid.uuid4(), role=Role.TEACHER, school_uai="0930893R"
    )
    token = signer.access_token(principal)
    assert TokenVerifier(signer.jwks()).verify(token) == principal
    header, claims = (
        jwt.get_unverified_header(token),
        jwt.decode(token, options={"verify_signature": False}),
    )
    assert header["kid"] == signer.kid
    assert claims["exp"] - claims["iat"] == 900
    assert {"jti", "iss", "aud"} <= set(claims)
    other = Signer.from_pem(generate_pem(), ttl_seconds=900)
    with pytest.raises(TokenError):
        TokenVerifier(other.jwks()).verify(token)


def test_expired_access_token_is_refused() -> None:
    signer = Signer.from_pem(generate_pem(), ttl_seconds=-1)
    token = signer.access_token(Principal(user_id=uuid.uuid4(), role=Role.PUPIL))
    with pytest.raises(TokenError) as refused:
        TokenVerifier(signer.jwks()).verify(token)
    assert refused.value.code == "token_expired"


@pytest.mark.parametrize("key", ["", "changeme", "  secret "])
def test_settings_refuse_placeholder_keys(key: str) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"jwt_private_key": key})


def test_settings_read_a_pem_value() -> None:
    pem = generate_pem().decode()
    assert (
        Settings.model_validate({"jwt_private_key": pem}).private_key_pem()
        == pem.strip().encode()
    )


def test_authorisation_form_is_a_pdf_naming_the_pupil() -> None:
    pdf = render(
        pupil_name="Léa Nguyen",
        class_name="3e B",
        school_name="Collège Rosa Parks",
        uai="0930893R",
    )
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1500
