"""The m2c command, called in-process (the same entry point the console script runs)."""

import pytest

from m2c import cli
from m2c.core.models import ApiToken, Event, User
from m2c.customers.models import Contact, Customer
from m2c.demo import load_demo


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "migrate", "demo", "createuser", "token", "worker"):
        assert command in out


def test_createuser_with_roles_and_org_unit(org, capsys):
    assert cli.main(["createuser", "li", "--password", "s3cret-pass", "--role", "ar", "--org-unit", "ro-shanghai"]) == 0
    user = User.objects.get(username="li")
    assert user.check_password("s3cret-pass")
    assert user.roles == {"ar"}
    assert user.org_unit == org.shanghai
    assert "created user li" in capsys.readouterr().out


def test_createuser_refuses_a_taken_name_unless_if_missing(org, capsys):
    cli.main(["createuser", "li", "--password", "x-pass-1234"])
    assert cli.main(["createuser", "li"]) == 2
    assert "taken" in capsys.readouterr().err
    assert cli.main(["createuser", "li", "--if-missing"]) == 0


def test_createuser_names_a_bad_org_unit(db, capsys):
    assert cli.main(["createuser", "li", "--org-unit", "nowhere"]) == 2
    assert "org_unit" in capsys.readouterr().err
    assert not User.objects.filter(username="li").exists()


def test_token_create_prints_it_once_and_revoke_disables_it(users, capsys, client):
    assert cli.main(["token", "create", "ar.li", "--name", "sync"]) == 0
    clear = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(name="sync")
    assert clear.startswith("m2c_") and token.key_hash != clear
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 200
    assert cli.main(["token", "revoke", "ar.li", token.prefix]) == 0
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 401
    assert cli.main(["token", "revoke", "ar.li", "nope"]) == 2


def test_demo_is_valid_deterministic_and_idempotent(transactional_db):
    from m2c.core.normalize import normalize_credit_code, normalize_phone
    from tests import demo_data

    # The first load is the walks' copy where it exists (tests/demo_data.py: the same loader's rows); the
    # second is a real run of the loader over it, which must change nothing.
    demo_data.load(customers=12)
    counts = {model.__name__: model.objects.count() for model in (User, Customer, Contact, Event)}
    names = set(Customer.objects.values_list("legal_name", flat=True))
    assert counts["Customer"] == 12
    assert counts["User"] >= 20
    for customer in Customer.objects.exclude(credit_code=None):
        assert normalize_credit_code(customer.credit_code) == customer.credit_code
    assert Contact.objects.exclude(phone="").count() > 10
    for contact in Contact.objects.exclude(phone=""):
        assert normalize_phone(contact.phone) == contact.phone

    load_demo(customers=12, progress=False)
    assert {model.__name__: model.objects.count() for model in (User, Customer, Contact, Event)} == counts
    assert set(Customer.objects.values_list("legal_name", flat=True)) == names
