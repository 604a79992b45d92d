"""Calls still in flight when the program ends: daemon threads inside blocking calls, tasks of
an event loop that is never closed, clients never closed."""

import asyncio
import random
import threading
import uuid

from adapty_server import Adapty, AsyncAdapty

client = Adapty()
aclient = AsyncAdapty()
user = f"proc-inflight-{uuid.uuid4()}"
client.profiles.create(customer_user_id=user)


def forever() -> None:
    while True:
        client.profiles.get(customer_user_id=user)


for _ in range(4):
    threading.Thread(target=forever, daemon=True).start()

loop = asyncio.new_event_loop()
tasks = [loop.create_task(aclient.profiles.get(customer_user_id=user)) for _ in range(20)]
loop.run_until_complete(asyncio.sleep(random.random() * 0.02))
print("in flight: leaving")
