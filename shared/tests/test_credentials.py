from urllib.parse import unquote, urlsplit

import pytest

from shared.credentials import KnownDefaultPassword, PasswordNotInItsFile, refuse_known_password, with_password_file


@pytest.mark.parametrize("uri", [
    "amqps://intake:change-me@rabbitmq:5671/ops",
    "amqp://guest:guest@broker.example:5672/",
    "postgresql+psycopg2://intake:Change-Me@postgres:5432/intake",
    "postgresql://care:demo-has%C5%82o-2026@db.internal/care",
    "amqps://intake:Xq9-unguessable-4f1@rabbit-1:5671/ops;amqps://intake:guest@rabbit-2:5671/ops",  # a cluster
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


def test_a_password_kept_in_a_file_is_put_into_the_uri_inside_the_process(tmp_path):
    password_file = tmp_path / "broker_password"
    password_file.write_text("p@ss/wörd:1\n")  # compose hands the file as written, newline and all
    uri = with_password_file("AMQP_URI", "amqps://intake@rabbitmq:5671/ops", password_file)
    assert uri == "amqps://intake:p%40ss%2Fw%C3%B6rd%3A1@rabbitmq:5671/ops"
    assert unquote(urlsplit(uri).password) == "p@ss/wörd:1" and urlsplit(uri).hostname == "rabbitmq"
    assert with_password_file("DATABASE_URL", "sqlite:///var/intake.sqlite", None) == "sqlite:///var/intake.sqlite"


def test_each_node_of_a_cluster_gets_the_password_from_the_file(tmp_path):
    password_file = tmp_path / "broker_password"
    password_file.write_text("Xq9-unguessable-4f1\n")
    nodes = ";".join(f"amqps://intake@rabbit-{n}:5671/ops" for n in (1, 2, 3))
    uri = with_password_file("AMQP_URI", nodes, password_file)
    assert uri.split(";") == [f"amqps://intake:Xq9-unguessable-4f1@rabbit-{n}:5671/ops" for n in (1, 2, 3)]
    with pytest.raises(PasswordNotInItsFile, match="carries a password"):
        with_password_file("AMQP_URI", nodes + ";amqps://intake:x@rabbit-4:5671/ops", password_file)


def test_a_known_password_in_the_file_is_refused_like_one_in_the_uri(tmp_path):
    password_file = tmp_path / "db_password"
    password_file.write_text("change-me")
    uri = with_password_file("DATABASE_URL", "postgresql+psycopg2://care@postgres:5432/care", password_file)
    with pytest.raises(KnownDefaultPassword):
        refuse_known_password("DATABASE_URL", uri)


@pytest.mark.parametrize("uri, content, says", [
    ("amqps://intake:inline-secret@rabbitmq:5671/ops", "from-the-file", "keep the password in the file only"),
    ("amqps://rabbitmq:5671/ops", "from-the-file", "names no user"),
    ("amqps://intake@rabbitmq:5671/ops", "  \n", "is empty"),
    ("amqps://intake@rabbitmq:5671/ops", None, "cannot be read"),
])
def test_a_password_file_that_cannot_be_used_is_a_named_error_without_the_password(tmp_path, uri, content, says):
    password_file = tmp_path / "broker_password"
    if content is not None:
        password_file.write_text(content)
    with pytest.raises(PasswordNotInItsFile) as refused:
        with_password_file("AMQP_URI", uri, password_file)
    assert "AMQP_URI" in str(refused.value) and says in str(refused.value)
    assert "inline-secret" not in str(refused.value) and "from-the-file" not in str(refused.value)
