import uuid

from offers.operators import (
    Operator,
    PartnerTokens,
    Throttle,
    hash_password,
    password_ok,
)


def test_throttle_counts_per_subject_and_minute() -> None:
    throttle = Throttle()
    one, two = uuid.uuid4(), uuid.uuid4()
    assert [throttle.allow(one, 2, now=0) for _ in range(3)] == [True, True, False]
    assert throttle.allow(two, 2, now=0)
    assert throttle.allow(one, 2, now=60)


def test_passwords_are_salted_and_checked() -> None:
    stored = hash_password("mot-de-passe-solide")
    assert stored != hash_password("mot-de-passe-solide")
    assert password_ok("mot-de-passe-solide", stored)
    assert not password_ok("autre", stored)


def test_partner_tokens_round_trip_and_reject_forgeries() -> None:
    operator = Operator(uuid.uuid4(), "JobIRL", 100)
    tokens = PartnerTokens("s" * 40, hours=24)
    token = tokens.issue(operator)
    assert tokens.operator_id(token) == operator.id
    assert PartnerTokens("t" * 40, hours=24).operator_id(token) is None
    assert tokens.operator_id("pas-un-jeton") is None
