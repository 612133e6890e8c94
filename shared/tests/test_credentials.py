import pytest

from shared.credentials import KnownDefaultPassword, refuse_known_password


@pytest.mark.parametrize("uri", [
    "amqps://intake:change-me@rabbitmq:5671/ops",
    "amqp://guest:guest@broker.example:5672/",
    "postgresql+psycopg2://intake:Change-Me@postgres:5432/intake",
    "postgresql://care:demo-has%C5%82o-2026@db.internal/care",
])
def test_a_password_everyone_knows_is_refused_without_being_repeated(uri):
    with pytest.raises(KnownDefaultPassword) as refused:
        refuse_known_password("AMQP_URI", uri)
    assert "AMQP_URI" in str(refused.value)
    assert "change-me" not in str(refused.value).lower() and "guest" not in str(refused.value)


@pytest.mark.parametrize("uri", [
    "amqps://intake:Xq9-unguessable-4f1@rabbitmq:5671/ops",
    "amqp://guest:guest@127.0.0.1:5672/",  # the development broker: loopback only
    "postgresql+psycopg2://postgres@127.0.0.1/test",  # no password: the server's trust rule decides
    "sqlite:///var/intake.sqlite",
    None,
])
def test_the_deployments_own_passwords_and_loopback_development_pass(uri):
    refuse_known_password("DATABASE_URL", uri)
