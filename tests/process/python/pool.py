"""A multiprocessing pool (fork) whose workers use a client made in the parent."""

import multiprocessing
import uuid

from adapty_server import Adapty

client = Adapty()
run = uuid.uuid4()


def job(n: int) -> bool:
    user = f"proc-pool-{run}-{n}"
    client.profiles.create(customer_user_id=user)
    client.profiles.delete(customer_user_id=user)
    return True


if __name__ == "__main__":
    client.profiles.create(customer_user_id=f"proc-pool-{run}-parent")  # the parent's pool is in use before the fork
    with multiprocessing.get_context("fork").Pool(4) as pool:
        print(f"pool: {sum(pool.map(job, range(32)))} jobs")
