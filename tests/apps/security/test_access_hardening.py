"""Issue 13, findings 8–10 and 15: second factor first, the login limit, the plan page, one permission table."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
PASSWORD = "pw-test-123"


@pytest.mark.parametrize("role", ["admin", "security_admin", "audit_admin"])
def test_password_alone_cannot_change_the_password(client, make_user, role) -> None:
    """Finding 8: a phished password alone must not lock the real administrator out."""
    user = make_user("boss", role, "130000")
    client.post("/login/", {"username": "boss", "password": PASSWORD})
    assert client.get("/account/password/")["Location"].startswith("/account/otp/verify/")
    posted = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "Xk8-river-Moon", "new_password2": "Xk8-river-Moon"},
    )
    assert posted.status_code == 302 and posted["Location"].startswith("/account/otp/verify/")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # the pages of the second step itself and logout stay reachable
    assert client.get("/account/otp/verify/", follow=True).status_code == 200
    assert client.post("/logout/").status_code == 302


def test_business_roles_still_change_their_password(client, make_user) -> None:
    make_user("o", "plan_owner", "130600")
    client.post("/login/", {"username": "o", "password": PASSWORD})
    assert client.get("/account/password/").status_code == 200
