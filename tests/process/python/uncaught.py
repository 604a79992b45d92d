"""An API error nobody catches reaches the top level."""

import uuid

from adapty_server import Adapty

Adapty().profiles.get(customer_user_id=f"proc-nobody-{uuid.uuid4()}")
print("not reached")
