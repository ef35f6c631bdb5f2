"""The address of the client that sent a request, honouring ``X-Forwarded-For`` only from trusted proxies.

``TRUSTED_PROXIES`` (env ``YIGAI_TRUSTED_PROXIES``: addresses or networks, comma-separated) lists the
reverse proxies in front of yigai. A request whose ``REMOTE_ADDR`` is one of them is read from the right
of its ``X-Forwarded-For``: the first address that is not itself a trusted proxy is the client. From
anyone else the header is ignored, so a client cannot choose its own address (and with it escape the
login limit or the lockout).

>>> trusted = parse_networks("10.0.0.1, 192.168.5.0/24")
>>> resolve("10.0.0.1", "203.0.113.5, 192.168.5.7", trusted)
'203.0.113.5'
>>> resolve("198.51.100.9", "203.0.113.5", trusted)
'198.51.100.9'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str | Iterable[str]) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.5.0/24"`` (or a list of such) as networks; a bad entry raises ValueError."""
    items = spec.split(",") if isinstance(spec, str) else spec
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def resolve(remote: str, forwarded: str, networks: Sequence[Network]) -> str:
    """The client address of a request from ``remote`` carrying ``X-Forwarded-For: forwarded`` ("" when
    the request has no address at all, as Django's test client's ``force_login``)."""
    if not remote or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _trusted(hop, networks):
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return remote  # a mangled header: count the proxy, never a value the client wrote
    return hops[0] if hops else remote


def client_address(request: HttpRequest) -> str:
    """The client's address (also django-axes' ``AXES_CLIENT_IP_CALLABLE`` and the audit log's); "" if
    unknown (stored as NULL)."""
    networks = parse_networks(getattr(settings, "TRUSTED_PROXIES", ()))
    return resolve(
        request.META.get("REMOTE_ADDR") or "", request.META.get("HTTP_X_FORWARDED_FOR", ""), networks
    )
