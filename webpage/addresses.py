"""Who a request comes from: the address a visitor's limits are counted by.

Directly, it is the connection's peer. Behind a balancer (deploy/haproxy.cfg) every peer is the balancer, which
names the visitor in the last entry of `X-Forwarded-For`; that header is believed only when the peer is a proxy the
owner named (`python app.py --trusted-proxy ADDRESS`), since anyone else can write any address into it.
"""

from collections.abc import Iterable

UNKNOWN = "unknown"


class Addresses:
    """`of(request)`: the visitor's address, through the proxies in `trusted` only."""

    def __init__(self, trusted: Iterable[str] = ()) -> None:
        self.trusted = frozenset(trusted)

    def of(self, request) -> str:
        peer = request.client.host if request is not None and request.client else UNKNOWN
        if peer not in self.trusted:
            return peer
        forwarded = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
        while forwarded and forwarded[-1] in self.trusted:  # a chain of our own proxies: the first address before them
            forwarded.pop()
        return forwarded[-1] if forwarded else peer
