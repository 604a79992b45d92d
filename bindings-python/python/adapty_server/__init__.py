"""adapty-server: a client for Adapty's server-side API on a shared Rust core.

    from adapty_server import Adapty

    client = Adapty()  # ADAPTY_API_KEY
    profile = client.profiles.get(customer_user_id="user-42")
"""

from ._client import Adapty, ApiVersion, AsyncAdapty, AsyncProfiles, DeleteResult, ProfileRef, Profiles
from ._exceptions import *  # noqa: F403  (the classes listed in _exceptions.__all__)
from ._exceptions import __all__ as _exception_names
from ._models import (
    AccessLevel,
    CancellationReason,
    Environment,
    Gender,
    InstallationMeta,
    InstallationMetaDict,
    NonSubscription,
    Offer,
    OfferCategory,
    OfferType,
    Platform,
    Profile,
    ProfileFields,
    Store,
    Subscription,
)
from ._native import CORE_VERSION as __version__

__all__ = [
    "Adapty",
    "AsyncAdapty",
    "Profiles",
    "AsyncProfiles",
    "ApiVersion",
    "DeleteResult",
    "ProfileRef",
    *_exception_names,
    "Profile",
    "AccessLevel",
    "Subscription",
    "NonSubscription",
    "Offer",
    "InstallationMeta",
    "InstallationMetaDict",
    "ProfileFields",
    "Gender",
    "Platform",
    "Store",
    "Environment",
    "OfferCategory",
    "OfferType",
    "CancellationReason",
    "__version__",
]
