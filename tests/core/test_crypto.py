"""Field encryption: AES-GCM ciphertexts that only the key opens, and a blind index."""

import base64
import os

import pytest
from cryptography.exceptions import InvalidTag

from gonghui.core import crypto

NUMBER = "51010419900101123X"


def test_round_trip_and_fresh_nonces():
    a, b = crypto.encrypt(NUMBER), crypto.encrypt(NUMBER)
    assert a != b  # a new nonce each time: equal numbers don't look equal at rest
    assert NUMBER.encode() not in a
    assert crypto.decrypt(a) == crypto.decrypt(b) == NUMBER


def test_tampering_is_detected():
    blob = bytearray(crypto.encrypt(NUMBER))
    blob[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(blob))


def test_blind_index_is_stable_keyed_and_one_way():
    index = crypto.blind_index(NUMBER)
    assert index == crypto.blind_index(NUMBER)
    assert index != crypto.blind_index(NUMBER[:-1] + "0")
    assert NUMBER not in index and len(index) == 64


def test_another_key_opens_nothing_and_indexes_differently(settings):
    blob, index = crypto.encrypt(NUMBER), crypto.blind_index(NUMBER)
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(os.urandom(32)).decode()
    assert crypto.blind_index(NUMBER) != index
    with pytest.raises(InvalidTag):
        crypto.decrypt(blob)


def test_a_short_key_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(b"too short").decode()
    with pytest.raises(ValueError, match="32 bytes"):
        crypto.encrypt(NUMBER)
