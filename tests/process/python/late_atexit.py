"""An atexit callback registered before the SDK was imported runs after the SDK's own: the
blocking client still works there; an async call fails at once instead of waiting forever."""

import asyncio
import atexit
import uuid

user = f"proc-atexit-{uuid.uuid4()}"


def at_exit() -> None:
    from adapty_server import Adapty, AdaptyError, AsyncAdapty

    found = Adapty().profiles.get(customer_user_id=user).customer_user_id == user
    try:
        asyncio.run(AsyncAdapty().profiles.get(customer_user_id=user))
        refused = "answered"
    except AdaptyError:
        refused = "refused"
    print(f"late atexit: blocking {'works' if found else 'FAILS'}, async {refused}")


atexit.register(at_exit)

from adapty_server import Adapty  # noqa: E402

Adapty().profiles.create(customer_user_id=user)
