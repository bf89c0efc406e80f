"""Issuing and recognising API secrets (bearer tokens and Open311 keys). Pure functions."""

import hashlib
import secrets as _random


def new_secret() -> str:
    """256 bits of randomness, URL-safe, 43 characters."""
    return _random.token_urlsafe(32)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
