"""The client's address, the one every rate limit keys on.

`X-Forwarded-For` is believed only when the request came from a trusted proxy (`TRUSTED_PROXIES`,
addresses or networks). The header is read from the right, skipping the trusted proxies, so the
address is the last hop that a trusted proxy saw: anything a client writes into the header itself
is further left and never reached. A request straight to the server keys on its own address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    ip = _parse(address)
    return ip is not None and any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not is_trusted_proxy(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if _parse(hop) is None:
            break  # garbage from the client: stop at the last address a proxy wrote
        if not is_trusted_proxy(hop):
            return hop
    return remote
