"""Field encryption (AES-GCM, versioned key) and the keyed blind index used for look-ups.

The data key comes from ``WANGGE_DATA_KEY``; encryption and index keys are derived from it
with HKDF so that the blind index never reveals ciphertext material and vice versa.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

KEY_VERSION = "v1"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value cannot be decrypted with the configured key."""


def _derive(purpose: bytes) -> bytes:
    raw = settings.DATA_KEY.encode("utf-8")
    try:
        material = base64.b64decode(raw, validate=True)
    except ValueError:
        material = raw
    if len(material) < 16:
        raise ValueError("WANGGE_DATA_KEY is too short: use at least 32 random bytes, base64.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material)


@lru_cache(maxsize=4)
def _keys(data_key: str) -> tuple[AESGCM, bytes]:
    return AESGCM(_derive(b"wangge field encryption v1")), _derive(b"wangge blind index v1")


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.DATA_KEY)


def encrypt(plaintext: str) -> str:
    aead, _index_key = _current()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode("utf-8"), KEY_VERSION.encode())
    return f"{KEY_VERSION}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str) -> str:
    version, sep, body = token.partition(":")
    if not sep or version != KEY_VERSION:
        raise DecryptionError(f"unknown key version {version!r}")
    aead, _index_key = _current()
    blob = base64.b64decode(body)
    try:
        plain = aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], version.encode())
    except Exception as exc:  # cryptography raises InvalidTag without detail
        raise DecryptionError("value does not decrypt with the configured data key") from exc
    return plain.decode("utf-8")


def blind_index(value: str, *, purpose: str = "id") -> str:
    """Keyed hash of a normalised value: equal inputs give equal indexes, nothing else leaks."""
    _aead, index_key = _current()
    digest = hmac.new(index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


class EncryptedTextField(models.TextField):
    """Stores text encrypted with AES-GCM; reads decrypt transparently. Not filterable."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
