"""A small HTTP load generator: N connections for T seconds, counting 200 responses.

Plain asyncio over sockets, so that the generator's own CPU stays small beside the server's
on the same machine. One request per connection, as gunicorn's sync workers close each.
``python -m bench.load URL [--seconds T] [--connections N] [--cookie 'sessionid=…']``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    statuses: dict[int, int]
    errors: int
    bytes: int

    @property
    def ok_per_second(self) -> float:
        return self.statuses.get(200, 0) / self.seconds


def _request(url: str, cookie: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return host, port, ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _one(host: str, port: int, request: bytes) -> tuple[int, int]:
    """One request; its status and the size of the whole response."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        status_line = await reader.readline()
        size = len(status_line)
        while chunk := await reader.read(256 * 1024):
            size += len(chunk)
        return int(status_line.split()[1]), size
    finally:
        writer.close()


async def _load(url: str, *, seconds: float, connections: int, cookie: str) -> LoadResult:
    host, port, request = _request(url, cookie)
    statuses: Counter[int] = Counter()
    errors = received = 0

    async def client() -> None:
        nonlocal errors, received
        while True:
            try:
                status, size = await _one(host, port, request)
            except (OSError, ValueError, IndexError):
                errors += 1
                await asyncio.sleep(0.01)
                continue
            statuses[status] += 1
            received += size

    started = time.perf_counter()
    clients = [asyncio.create_task(client()) for _ in range(connections)]
    await asyncio.sleep(seconds)
    # Only responses complete within the window count; those under way are dropped.
    counted = (dict(statuses), errors, received)
    elapsed = time.perf_counter() - started
    for task in clients:
        task.cancel()
    await asyncio.gather(*clients, return_exceptions=True)
    return LoadResult(seconds=elapsed, statuses=counted[0], errors=counted[1], bytes=counted[2])


def load(url: str, *, seconds: float = 5, connections: int = 8, cookie: str = "") -> LoadResult:
    """Keep ``connections`` requests to ``url`` under way for ``seconds``."""
    return asyncio.run(_load(url, seconds=seconds, connections=connections, cookie=cookie))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--cookie", default="")
    args = parser.parse_args()
    result = load(args.url, seconds=args.seconds, connections=args.connections, cookie=args.cookie)
    print(json.dumps({"ok_per_second": round(result.ok_per_second, 1), **result.__dict__}))


if __name__ == "__main__":
    main()
