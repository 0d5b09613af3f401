"""Lookout's exception tree.

LookoutError
├── ConfigError        a settings or sources file is missing or wrong
├── FeedError          a document is not a feed Lookout can read
├── FetchError         a source could not be fetched (network, HTTP status, size cap)
├── StoreError         the database cannot be used (e.g. a newer schema)
└── UserInputError     something a user typed cannot be understood; its message is for them
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
