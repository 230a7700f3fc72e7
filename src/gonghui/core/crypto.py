"""Field encryption for personal numbers (DESIGN rule 2, PIPL).

A number is stored twice: encrypted with AES-256-GCM (to show it to those allowed), and
as a keyed hash, the blind index (to find it and keep it unique without decrypting).
Both keys derive from settings.FIELD_ENCRYPTION_KEY, so one secret is kept; the hash
key is separate from the encryption key by HKDF.
"""

import base64
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = b"\x01"  # first byte of every ciphertext, so the scheme can change later
NONCE_BYTES = 12


def _derive(master, purpose):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@cache
def _keys(master_b64):
    master = base64.b64decode(master_b64)
    if len(master) != 32:
        raise ValueError("GONGHUI_FIELD_KEY must be the base64 of 32 bytes")
    return AESGCM(_derive(master, b"gonghui field encryption")), _derive(
        master, b"gonghui blind index"
    )


def encrypt(text: str) -> bytes:
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + cipher.encrypt(nonce, text.encode(), VERSION)


def decrypt(blob: bytes) -> str:
    cipher, _ = _keys(settings.FIELD_ENCRYPTION_KEY)
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, body = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    return cipher.decrypt(nonce, body, VERSION).decode()


def blind_index(text: str) -> str:
    """The keyed hash of a normalised number: equal numbers, equal index; no way back."""
    _, key = _keys(settings.FIELD_ENCRYPTION_KEY)
    return hmac.digest(key, text.encode(), "sha256").hex()
