#!/usr/bin/env python3
"""The fault soak: nothing lost, nothing doubled, in every language.

Usage: tests/faults/run.py LANG --profiles N [--transactions M] [--seed S] -- COMMAND...

Against the emulator named by ADAPTY_BASE_URL (`make test-LANG` starts one), this seeds N
profiles and a virtual currency wallet, turns on seeded chaos (10% of requests faulted: 500, 503,
429 with Retry-After, dropped connections, answers slower than the client's timeout, and changes
made but answered 500 or with a broken connection), and runs COMMAND: the language's soak program
(tests/faults/LANG/). The program deletes the N profiles with one `delete_many` and makes M
virtual currency transactions, as a user would, and prints its results as one JSON object:

    {"deletes": [{"ref": CUSTOMER_USER_ID, "ok": BOOL}, ...],      (in the order it got them)
     "transactions": [{"amount": INT, "ok": BOOL}, ...]}

Then chaos goes off, and the emulator's state is compared with what the program was told:
exactly one delete result per input, in input order; `ok` if and only if the profile is gone;
the wallet's balance equal to its opening balance plus the sum of the transactions reported
successful. Prints the figures and `check faults LANG/...: ok|FAILED` lines, and writes them as
JUnit XML with --junit FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from typing import NoReturn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import junit  # noqa: E402 - tests/junit.py, beside this program's folder

BASE = os.environ.get("ADAPTY_BASE_URL", "").rstrip("/")
#: The share of each kind of fault, 10% in all.
RATES = {
    "status_500": 0.02,
    "status_503": 0.015,
    "status_429": 0.015,
    "dropped": 0.02,
    "slow": 0.01,
    "applied_then_500": 0.01,
    "applied_then_dropped": 0.01,
}
#: The programs' client timeout is 1 s (SOAK_TIMEOUT): a slow answer comes later than that.
SLOW_MS = 1500
OPENING_BALANCE = 100_000
WALLET = "soak-wallet"


def control(method: str, path: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{BASE}/__emulator/{path}", data, {"content-type": "application/json"}, method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        text = resp.read()
    return json.loads(text) if text else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lang")
    parser.add_argument("--profiles", type=int, required=True)
    parser.add_argument("--transactions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--junit", help="write the results as JUnit XML to this file")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    if not BASE:
        sys.exit("faults: ADAPTY_BASE_URL is not set (run it against an emulator, e.g. under `adapty-emulator exec`)")

    checks = junit.Report(f"faults.{args.lang}")

    def check(name: str, ok: bool, detail: str = "") -> bool:
        return checks.check(f"faults {name}", ok, detail)

    def finish() -> NoReturn:
        if args.junit:
            checks.write(args.junit)
        sys.exit(1 if checks.failed else 0)

    control("POST", "reset")
    control("POST", "config", {"vc_rate_limit_per_minute": 1_000_000})
    control("POST", "profiles", {"count": args.profiles, "customer_user_id_prefix": "soak-"})
    control("POST", "profiles", {"profiles": [{"customer_user_id": WALLET, "balances": {"COINS": OPENING_BALANCE}}]})
    control("POST", "chaos", {"seed": args.seed, "rates": RATES, "path_prefix": "/api/", "retry_after": "1", "slow_ms": SLOW_MS})

    # Credits and debits; the opening balance keeps every debit covered.
    amounts = random.Random(args.seed).choices([n for n in range(-50, 101) if n], k=args.transactions)
    env = {
        **os.environ,
        "SOAK_PROFILES": str(args.profiles),
        "SOAK_AMOUNTS": ",".join(map(str, amounts)),
        "SOAK_WALLET": WALLET,
        "SOAK_TIMEOUT": "1",
    }
    started = time.monotonic()
    proc = subprocess.run(args.command, env=env, capture_output=True, text=True, errors="replace")
    elapsed = time.monotonic() - started
    chaos = control("GET", "chaos")
    control("DELETE", "chaos")
    if proc.returncode != 0:
        check(f"{args.lang}/program", False, f"exit code {proc.returncode}\n{proc.stderr[-3000:]}")
        finish()
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        check(f"{args.lang}/program", False, f"not JSON:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        finish()

    refs = [f"soak-{n}" for n in range(args.profiles)]
    deletes = report["deletes"]
    remaining = {p["customer_user_id"] for p in control("GET", "profiles")["profiles"]}
    in_order = [d["ref"] for d in deletes] == refs
    wrong = [d["ref"] for d in deletes if d["ok"] == (d["ref"] in remaining)]
    ok_deletes = sum(d["ok"] for d in deletes)

    transactions = report["transactions"]
    wallet = control("GET", f"profiles/{WALLET}")["stored"]["balances"].get("COINS", 0)
    reported = sum(t["amount"] for t in transactions if t["ok"])
    ok_transactions = sum(t["ok"] for t in transactions)

    injected = chaos["injected"]
    faults = sum(injected.values())
    print(
        f"soak {args.lang}: {chaos['requests']} requests, {faults} faulted ({100 * faults / max(chaos['requests'], 1):.1f}%: "
        + ", ".join(f"{k} {v}" for k, v in sorted(injected.items()))
        + f") in {elapsed:.1f} s"
    )
    print(
        f"soak {args.lang}: delete_many of {len(refs)}: {len(deletes)} results, {ok_deletes} ok, {len(deletes) - ok_deletes} failed, {len(wrong)} disagreeing with the emulator"
    )
    print(
        f"soak {args.lang}: {len(transactions)} transactions: {ok_transactions} ok; balance {wallet} = {OPENING_BALANCE} + {reported} reported: {wallet == OPENING_BALANCE + reported}"
    )
    check(f"{args.lang}/one delete result per input, in order", len(deletes) == len(refs) and in_order)
    check(f"{args.lang}/delete ok iff the profile is gone", not wrong, f"disagreeing: {wrong[:10]}")
    check(
        f"{args.lang}/every transaction reported",
        len(transactions) == len(amounts) and [t["amount"] for t in transactions] == amounts,
    )
    check(
        f"{args.lang}/balance is the sum of the successful transactions",
        wallet == OPENING_BALANCE + reported,
        f"{wallet} != {OPENING_BALANCE} + {reported}",
    )
    check(f"{args.lang}/faults were injected", faults >= chaos["requests"] // 20)
    finish()


if __name__ == "__main__":
    main()
