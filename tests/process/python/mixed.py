"""Blocking calls, then an asyncio batch, in one program (the program that crashed at exit)."""

import asyncio
import uuid

from adapty_server import Adapty, AsyncAdapty

client = Adapty()
user = f"proc-mixed-{uuid.uuid4()}"
profile = client.profiles.create(customer_user_id=user)
assert client.profiles.get(profile_id=profile.profile_id).customer_user_id == user


async def batch() -> int:
    async with AsyncAdapty() as aclient:
        users = [f"{user}-{i}" for i in range(20)]
        await asyncio.gather(*(aclient.profiles.create(customer_user_id=u) for u in users))
        results = await aclient.profiles.delete_many([{"customer_user_id": u} for u in [user, *users]])
        return sum(r.ok for r in results)


print(f"mixed: {asyncio.run(batch())} deleted")
