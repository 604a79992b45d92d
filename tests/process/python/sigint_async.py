"""Ctrl-C during a slow awaited request (see sigint_sync.py)."""

import asyncio
import sys

from adapty_server import AsyncAdapty


async def main() -> None:
    client = AsyncAdapty()
    print("waiting", flush=True)
    await client.profiles.get(customer_user_id=sys.argv[1])
    print("not reached")


asyncio.run(main())
