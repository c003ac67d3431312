"""The client's address behind the reverse proxies the site trusts (docs/deploy.md)."""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's address as django-axes counts sign-ins by it (AXES_CLIENT_IP_CALLABLE).

    With N = PERFEVAL_TRUSTED_PROXIES proxies in front of the app, each appending the address
    it was connected from to X-Forwarded-For, the client's is the N-th entry from the right;
    entries left of it are whatever the client sent. A request with fewer entries did not
    come through every proxy: its REMOTE_ADDR, which nobody can forge, stands for it.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.PERFEVAL_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded.strip():
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    if len(hops) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote
