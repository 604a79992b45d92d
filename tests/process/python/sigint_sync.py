"""Ctrl-C during a slow blocking request (the harness makes the request slow, then sends SIGINT
once this prints "waiting")."""

import sys

from adapty_server import Adapty

client = Adapty()
print("waiting", flush=True)
client.profiles.get(customer_user_id=sys.argv[1])
print("not reached")
