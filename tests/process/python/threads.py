"""16 worker threads share one blocking client."""

import threading
import uuid

from adapty_server import Adapty

client = Adapty()
run = uuid.uuid4()
done: list[int] = []


def work(n: int) -> None:
    for i in range(2):
        user = f"proc-threads-{run}-{n}-{i}"
        created = client.profiles.create(customer_user_id=user)
        assert client.profiles.get(profile_id=created.profile_id).customer_user_id == user
        client.profiles.delete(customer_user_id=user)
        done.append(1)


threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"threads: {len(threads)} threads, {3 * len(done)} calls")
