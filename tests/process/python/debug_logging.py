"""DEBUG logging on: every request is logged, from blocking and async calls and threads."""

import asyncio
import logging
import sys
import threading
import uuid

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")

from adapty_server import Adapty, AsyncAdapty  # noqa: E402

client = Adapty()
user = f"proc-log-{uuid.uuid4()}"
client.profiles.create(customer_user_id=user)


async def batch() -> None:
    aclient = AsyncAdapty()
    await asyncio.gather(*(aclient.profiles.get(customer_user_id=user) for _ in range(10)))


asyncio.run(batch())
# Threads still logging while the program ends.
for _ in range(4):
    threading.Thread(target=lambda: [client.profiles.get(customer_user_id=user) for _ in range(50)], daemon=True).start()
print("logging: on")
