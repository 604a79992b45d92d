"""adapty-server: a client for Adapty's server-side API on a shared Rust core.

from adapty_server import Adapty

client = Adapty()  # ADAPTY_API_KEY
profile = client.profiles.get(customer_user_id="user-42")
"""

from ._client import APIResponse, EventHook
from ._generated.exceptions import *  # noqa: F403  (the classes listed in _generated.exceptions.__all__)
from ._generated.exceptions import __all__ as _exception_names
from ._generated.models import *  # noqa: F403  (the generated models and input types in _generated.models.__all__)
from ._generated.models import __all__ as _model_names
from ._generated.operations import *  # noqa: F403  (the clients, namespaces and their types in _generated.operations.__all__)
from ._generated.operations import __all__ as _operation_names
from ._native import CORE_VERSION as __version__

__all__ = [*_operation_names, *_exception_names, *_model_names, "APIResponse", "EventHook", "__version__"]
