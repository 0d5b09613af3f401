"""Lookout's exception tree.

LookoutError
├── ConfigError        a settings or sources file is missing or wrong
├── FeedError          a document is not a feed Lookout can read
├── FetchError         a source could not be fetched (network, HTTP status, size cap)
├── StoreError         the database cannot be used (e.g. a newer schema)
└── UserInputError     something a user typed cannot be understood; its message is for them
    └── LimitReached   a chat is at one of its caps (watch terms, regions); `kind`, `limit`
"""


class LookoutError(Exception):
    """Base of every error Lookout raises on purpose."""


class ConfigError(LookoutError):
    pass


class FeedError(LookoutError):
    pass


class FetchError(LookoutError):
    pass


class StoreError(LookoutError):
    pass


class UserInputError(LookoutError):
    pass


class LimitReached(UserInputError):
    """A chat already has as many watch terms (or regions and towns) as it may have."""

    def __init__(self, kind: str, limit: int) -> None:
        super().__init__(f"at most {limit} {kind} per chat")
        self.kind = kind
        self.limit = limit
