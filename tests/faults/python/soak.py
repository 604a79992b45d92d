"""The fault soak's Python program: tests/faults/run.py sets the scene, runs this, and checks what
it reports against the emulator. Deletes with the blocking client, transacts with the async one."""

import asyncio
import json
import os

from adapty_server import Adapty, AdaptyError, AsyncAdapty

# Retries enough that no call runs out of them under 10% faults (0.1^7 per call).
OPTIONS = {"timeout": float(os.environ["SOAK_TIMEOUT"]), "max_retries": 6}
refs = [{"customer_user_id": f"soak-{n}"} for n in range(int(os.environ["SOAK_PROFILES"]))]
amounts = [int(a) for a in os.environ["SOAK_AMOUNTS"].split(",")]
wallet = os.environ["SOAK_WALLET"]

with Adapty(**OPTIONS) as client:
    deletes = [{"ref": r.ref["customer_user_id"], "ok": r.ok} for r in client.profiles.delete_many(refs, concurrency=32)]


async def transactions() -> list[bool]:
    async with AsyncAdapty(**OPTIONS) as client:
        slots = asyncio.Semaphore(32)

        async def one(amount: int) -> bool:
            async with slots:
                try:
                    await client.virtual_currency.create_transaction(
                        customer_user_id=wallet, items=[{"currency_code": "COINS", "amount": amount}]
                    )
                    return True
                except AdaptyError:
                    return False

        return await asyncio.gather(*(one(a) for a in amounts))


made = asyncio.run(transactions())
print(json.dumps({"deletes": deletes, "transactions": [{"amount": a, "ok": ok} for a, ok in zip(amounts, made, strict=True)]}))
