"""A client made before os.fork() keeps working in the parent and in the child."""

import os
import sys
import uuid

from adapty_server import Adapty

client = Adapty()
user = f"proc-fork-{uuid.uuid4()}"
client.profiles.create(customer_user_id=user)

pid = os.fork()
if pid == 0:
    # The child exits normally: atexit and interpreter shutdown run here too.
    child = client.profiles.update(customer_user_id=user, first_name="Child")
    sys.exit(0 if child.customer_user_id == user else 3)

_, status = os.waitpid(pid, 0)
parent = client.profiles.get(customer_user_id=user)
client.profiles.delete(customer_user_id=user)
assert parent.customer_user_id == user
print(f"fork: child exit {os.waitstatus_to_exitcode(status)}, parent still works")
