"""Never lose work: sessions on disk, settings, endpoint profiles and API keys. No Qt here.

    store = SessionStore()                       # <user data>/inpaint-editor/sessions
    session = store.create(Path("photo.jpg"))
    rnd = session.start_round(params, mask=edit)
    path = session.add_variant(rnd.id, 0, pixels)   # durable before it returns
    session.finish_round(rnd.id, RoundState.SUCCEEDED, usage=..., request_id=...)
    session.close()

Blocking calls are meant for worker threads; every writer has an ``*_async`` twin.
"""

from ._errors import (
    KeyringUnavailable,
    ProfileError,
    SessionInUse,
    SessionNotFound,
    StoreError,
    StoreReadError,
    StoreWriteError,
)
from ._meta import SCHEMA_VERSION, SessionMeta
from ._paths import (
    CONFIG_DIR_ENV,
    DATA_DIR_ENV,
    default_config_dir,
    default_data_dir,
    default_sessions_root,
)
from .frame_cache import FrameCache, FrameMissing, default_cache_bytes
from .keys import KEY_ENV, KeySource, KeyStore
from .profiles import (
    LOCAL_PROFILE_ID,
    OPENAI_PROFILE_ID,
    ModelMove,
    Profile,
    ProfileKind,
    ProfileSet,
    builtin_profiles,
    is_loopback,
    needs_insecure_warning,
    new_profile_id,
)
from .results import PROXY_SIDE, ResultRound, Results, ResultVariant, round_seq
from .rounds import (
    ORIGINAL,
    BaseRef,
    ExpansionRecord,
    RegionRecord,
    RoundRecord,
    RoundState,
    VariantRecord,
    decode_params,
    encode_params,
)
from .session import Session
from .sessions import SessionInfo, SessionStatus, SessionStore
from .settings import Settings, SettingsStore

__all__ = [
    "CONFIG_DIR_ENV",
    "DATA_DIR_ENV",
    "KEY_ENV",
    "LOCAL_PROFILE_ID",
    "OPENAI_PROFILE_ID",
    "ORIGINAL",
    "PROXY_SIDE",
    "SCHEMA_VERSION",
    "BaseRef",
    "ExpansionRecord",
    "FrameCache",
    "FrameMissing",
    "KeySource",
    "KeyStore",
    "KeyringUnavailable",
    "ModelMove",
    "Profile",
    "ProfileError",
    "ProfileKind",
    "ProfileSet",
    "RegionRecord",
    "ResultRound",
    "ResultVariant",
    "Results",
    "RoundRecord",
    "RoundState",
    "Session",
    "SessionInUse",
    "SessionInfo",
    "SessionMeta",
    "SessionNotFound",
    "SessionStatus",
    "SessionStore",
    "Settings",
    "SettingsStore",
    "StoreError",
    "StoreReadError",
    "StoreWriteError",
    "VariantRecord",
    "builtin_profiles",
    "decode_params",
    "default_cache_bytes",
    "default_config_dir",
    "default_data_dir",
    "default_sessions_root",
    "encode_params",
    "is_loopback",
    "needs_insecure_warning",
    "new_profile_id",
    "round_seq",
]
