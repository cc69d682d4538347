"""What test_bad_input.py's SQLite-file tests check, in PostgreSQL's form: a database without the schema, one that
holds something else, and a server that cannot be reached are each one line that names the database (never its
password) and says what to do, and change nothing; so is the demo, which builds only into an empty database. (A
newer schema: test_postgres_concurrency.py.)"""
import pytest

from postgres import fresh_database, psql, server_url

PASSWORD = "hunter2-not-shown"


@pytest.fixture
def database():
    url = fresh_database("refusals")
    yield url
    psql(server_url() + "/postgres", f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def with_password(url):
    return url.replace("://clientele@", f"://clientele:{PASSWORD}@")


def tables(url):
    return psql(url, "SELECT table_schema, table_name FROM information_schema.tables "
                     "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")


def one_line(result):
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    return lines[0]


def test_a_database_without_the_schema_says_to_run_init_and_creates_nothing(cli, database):
    line = one_line(cli.run("client", "list", "--registry", with_password(database)))
    assert f"no registry in {database}" in line and f"clientele init --registry {database}" in line
    assert tables(database) == []


def test_a_database_holding_something_else_is_refused_by_init_and_every_command(cli, database):
    psql(database, "CREATE TABLE notes(text text); INSERT INTO notes VALUES ('keep me')")
    for args in (("init",), ("client", "list"), ("env", "add", "Prod")):
        line = one_line(cli.run(*args, "--registry", with_password(database)))
        assert f"{database} holds tables that are not a Clientele registry" in line
    assert tables(database) == [("public", "notes")]
    assert psql(database, "SELECT text FROM notes") == [("keep me",)]


def test_an_unreachable_server_or_missing_database_is_one_line_without_the_password(cli, database):
    closed = database.rsplit(":", 1)[0] + ":1/" + database.rsplit("/", 1)[1]
    line = one_line(cli.run("client", "list", "--registry", with_password(closed)))
    assert f"cannot open registry {closed}" in line
    missing = database + "_missing"
    line = one_line(cli.run("client", "list", "--registry", missing, env={"PGPASSWORD": PASSWORD}))
    assert f"cannot open registry {missing}" in line and "does not exist" in line


def test_the_demo_refuses_a_database_that_holds_a_registry_or_something_else_and_changes_nothing(cli, database):
    cli.run("demo", "--registry", database, "--build-only", "--clients", "5", check=0)
    before = psql(database, "SELECT count(*), max(id) FROM auditEvent")
    line = one_line(cli.run("demo", "--registry", with_password(database), "--build-only"))
    assert f"{database} already holds a registry" in line
    assert psql(database, "SELECT count(*), max(id) FROM auditEvent") == before
    foreign = fresh_database("refusals")
    try:
        psql(foreign, "CREATE TABLE notes(text text)")
        line = one_line(cli.run("demo", "--registry", with_password(foreign), "--build-only"))
        assert "holds tables that are not a Clientele registry" in line
        assert tables(foreign) == [("public", "notes")]
    finally:
        psql(server_url() + "/postgres", f"DROP DATABASE IF EXISTS {foreign.rsplit('/', 1)[1]} WITH (FORCE)")
