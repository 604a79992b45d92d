"""A blocking script: create, read, update and delete one profile, then look for it again."""

import uuid

from adapty_server import Adapty, NotFoundError

client = Adapty()
user = f"proc-sync-{uuid.uuid4()}"
created = client.profiles.create(customer_user_id=user, first_name="Ann", custom_attributes={"plan": "gold"})
fetched = client.profiles.get(profile_id=created.profile_id)
updated = client.profiles.update(customer_user_id=user, custom_attributes={"plan": None, "logins": 3})
client.profiles.delete(customer_user_id=user)
try:
    client.profiles.get(customer_user_id=user)
except NotFoundError as e:
    gone = e.error_code
assert fetched.custom_attributes == {"plan": "gold"} and updated.custom_attributes == {"logins": 3.0}
print(f"sync: created, read, updated, deleted, then {gone}")
