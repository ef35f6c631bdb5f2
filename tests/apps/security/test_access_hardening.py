"""Issue 13, findings 8–10 and 15: second factor first, the login limit, the plan page, one permission table."""

from __future__ import annotations

import pytest
from django.test import Client

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


def _login(client: Client, username: str, **headers: str):
    return client.post("/login/", {"username": username, "password": "wrong"}, **headers)


def test_login_limit_keys_on_address_and_account(client, settings, make_user) -> None:
    """Finding 9: behind one NAT a colleague's mistakes do not lock out the office; one account is capped."""
    settings.LOGIN_RATE_LIMIT = "2/300"
    settings.LOGIN_ADDRESS_RATE_LIMIT = "6/300"
    make_user("a", "leader", "130000")
    assert [_login(client, "a").status_code for _ in range(2)] == [200, 200]
    limited = _login(client, "a")
    assert limited.status_code == 429
    assert _login(client, "b").status_code == 200  # another account from the same address
    # a chinese page saying when to retry, not raw JSON
    assert limited["Content-Type"].startswith("text/html")
    minutes = -(-int(limited["Retry-After"]) // 60)
    page = limited.content.decode()
    assert f"{minutes} 分钟后" in page and "登录尝试过于频繁" in page and "detail" not in page
    # one address trying many accounts is still capped
    assert [_login(client, name).status_code for name in ("c", "d")] == [200, 200]
    assert _login(client, "e").status_code == 429


def test_api_limit_answers_json(client, settings) -> None:
    settings.API_RATE_LIMIT = "1/60"
    client.get("/api/plans")
    limited = client.get("/api/plans")
    assert limited.status_code == 429 and limited.json()["detail"]


def test_forwarded_for_only_from_trusted_proxies(settings, make_user) -> None:
    settings.LOGIN_RATE_LIMIT = "1/300"
    settings.TRUSTED_PROXIES = ["10.0.0.1", "192.168.5.0/24"]
    make_user("a", "leader", "130000")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert _login(proxy, "a", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert _login(proxy, "a", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # another client behind the same proxy (through a second trusted hop) has its own bucket
    via = "203.0.113.6, 192.168.5.7"
    assert _login(proxy, "a", HTTP_X_FORWARDED_FOR=via).status_code == 200
    # a client not behind a trusted proxy cannot choose its address by sending the header
    direct = Client(REMOTE_ADDR="198.51.100.9")
    assert _login(direct, "a", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert _login(direct, "a", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 429


def test_lockout_follows_the_forwarded_address(settings, make_user) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    make_user("u", "leader", "130000")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        _login(proxy, "u", HTTP_X_FORWARDED_FOR="203.0.113.5")
    ok = {"username": "u", "password": PASSWORD}
    assert proxy.post("/login/", ok, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert proxy.post("/login/", ok, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_login_form_says_how_many_attempts_remain(client, make_user) -> None:
    make_user("u", "leader", "130000")
    assert "再输错 4 次" in _login(client, "u").content.decode()
    for _ in range(3):
        page = _login(client, "u").content.decode()
    assert "再输错 1 次" in page and "锁定 15 分钟" in page
    locked = _login(client, "u")
    assert locked.status_code == 429 and "锁定 15 分钟" in locked.content.decode()


def _cards(page: str) -> int:
    return page.count('<div class="task" id="task-')


def test_plan_page_shows_a_reporter_only_the_tasks_the_api_gives(orgunits, fake_document, make_user) -> None:
    """Finding 10: the plan page and the API read the tasks through one selector."""
    from yigai.apps.plans.services import plan_store_document, task_update
    from yigai.apps.publishing import plan_publish

    plan = plan_store_document(document=fake_document(), content_hash="bd")
    task_update(task=plan.tasks.get(ext_id="T3"), lead_units=["容城县卫生健康局"])
    plan_publish(plan=plan)
    reporter = make_user("rc", "unit_reporter", "130629", "容城县卫生健康局")
    owner = make_user("o", "plan_owner", "130600", "市卫生健康委")
    seen = {}
    for user in (reporter, owner):
        client = Client()
        client.force_login(user)
        api = client.get(f"/api/plans/{plan.pk}").json()["tasks"]
        page = client.get(f"/plans/{plan.pk}/").content.decode()
        seen[user.username] = (len(api), _cards(page))
        assert f"任务 {len(api)} 项" in page, user.username
    assert seen == {"rc": (1, 1), "o": (3, 3)}


@pytest.mark.parametrize("role", ["security_admin", "audit_admin"])
def test_security_and_audit_admins_reach_items_through_the_api(
    role, orgunits, fake_document, verified, settings, tmp_path
) -> None:
    """Finding 15: ``Role(user.role)`` raised ValueError for these roles and the API answered 500."""
    from yigai.apps.ledger.models import LedgerItem
    from yigai.apps.plans.services import plan_store_document
    from yigai.apps.publishing import plan_publish

    settings.LEDGER_EVIDENCE_DIR = tmp_path
    plan = plan_store_document(document=fake_document(), content_hash="bd")
    plan_publish(plan=plan)
    item = LedgerItem.objects.get(task__ext_id="T1", task__plan=plan)
    client, _user = verified("sa", role)
    detail = client.get(f"/api/ledger/items/{item.pk}")
    assert detail.status_code == 200 and detail.json()["code"] == item.code
    refused = client.post(
        f"/api/ledger/items/{item.pk}/transitions",
        {"action": "start"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{item.version}"',
    )
    assert refused.status_code == 403 and refused.json()["detail"]
    assert client.get(f"/ledger/items/{item.pk}/").status_code == 200


def test_client_address_rules() -> None:
    """Trusted hops are skipped from the right; a mangled header counts the proxy; no address is "" (an
    address column stores NULL — "-" broke django-axes' inet column on PostgreSQL)."""
    from yigai.apps.accounts.addresses import parse_networks, resolve

    nets = parse_networks("10.0.0.1, 192.168.5.0/24")
    assert resolve("10.0.0.1", "198.51.100.1, 203.0.113.5, 192.168.5.7", nets) == "203.0.113.5"
    assert resolve("10.0.0.1", "203.0.113.5, <script>", nets) == "10.0.0.1"
    assert resolve("10.0.0.1", "192.168.5.9", nets) == "192.168.5.9"  # only proxies: the first hop
    assert resolve("10.0.0.1", "", nets) == "10.0.0.1"
    assert resolve("", "203.0.113.5", nets) == ""
    with pytest.raises(ValueError):
        parse_networks("10.0.0.1, bogus")
