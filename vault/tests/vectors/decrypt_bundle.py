#!/usr/bin/env python3
"""Independent Sotto bundle decryptor (formats 1 and 2), written from docs/format.md §8 alone.

Usage: decrypt_bundle.py FILE PASSPHRASE      prints the payload's entries as JSON
       decrypt_bundle.py --check              checks every vector in vectors.json

Needs: pip install cryptography argon2-cffi
"""
import json
import os
import struct
import sys
import zlib

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"\x89SOTTO\r\n"
MAX_PAYLOAD = 512 * 1024 * 1024


class BundleError(Exception):
    pass


def hkdf(salt, ikm, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def decrypt(data, passphrase):
    if len(data) < 8:
        if MAGIC.startswith(data):
            raise BundleError("truncated")
        raise BundleError("not_a_bundle")
    if data[:8] != MAGIC:
        raise BundleError("not_a_bundle")
    if len(data) < 10:
        raise BundleError("truncated")
    (version,) = struct.unpack(">H", data[8:10])
    if version not in (1, 2):
        raise BundleError("unsupported_version")
    if len(data) < 11:
        raise BundleError("truncated")
    if data[10] != 1:
        raise BundleError("invalid_params")
    if len(data) < 23:
        raise BundleError("truncated")
    m, t, p = struct.unpack(">III", data[11:23])
    if not (1 <= p <= 16 and 1 <= t <= 64 and 8 * p <= m <= 1048576):
        raise BundleError("invalid_params")
    if len(data) < 43:
        raise BundleError("truncated")
    salt = data[23:39]
    (chunk_size,) = struct.unpack(">I", data[39:43])
    if not (1024 <= chunk_size <= 16 * 1024 * 1024):
        raise BundleError("invalid_chunk_size")
    if len(data) < 59:
        raise BundleError("truncated")
    header = data[:59]

    root = hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost=t, memory_cost=m,
                           parallelism=p, hash_len=32, type=Type.ID, version=19)
    header_key = hkdf(salt, root, b"sotto/v1/bundle/header-key")
    payload_key = hkdf(salt, root, b"sotto/v1/bundle/payload-key")
    tag = AESGCM(header_key).encrypt(b"\x00" * 12, b"", header[:43])
    if tag != header[43:59]:
        raise BundleError("wrong_passphrase")

    body = data[59:]
    if not body:
        raise BundleError("truncated")
    sealed_size = chunk_size + 16
    aead = AESGCM(payload_key)
    pieces = [body[i:i + sealed_size] for i in range(0, len(body), sealed_size)]
    payload = bytearray()
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        if len(piece) < 16:
            raise BundleError("truncated")
        nonce = i.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        try:
            plain = aead.decrypt(nonce, piece, header)
        except InvalidTag:
            if last:
                try:
                    aead.decrypt(i.to_bytes(11, "big") + b"\x00", piece, header)
                    raise BundleError("truncated")
                except InvalidTag:
                    pass
            raise BundleError(f"corrupt_chunk:{i}")
        if last and not plain and i > 0:
            raise BundleError(f"corrupt_chunk:{i}")
        payload += plain

    if version == 2:
        # One complete raw DEFLATE stream (RFC 1951), nothing after it.
        inflater = zlib.decompressobj(-15)
        try:
            json_lines = inflater.decompress(bytes(payload), MAX_PAYLOAD)
        except zlib.error:
            raise BundleError("invalid_compression")
        if inflater.unconsumed_tail:
            raise BundleError("too_large")
        if not inflater.eof or inflater.unused_data:
            raise BundleError("invalid_compression")
        payload = json_lines

    lines = bytes(payload).split(b"\n")
    if lines[-1] != b"":
        raise BundleError("invalid_payload")
    head = json.loads(lines[0])
    if head.get("sotto_bundle") != 1:
        raise BundleError("unsupported_payload_version")
    entries = [json.loads(line) for line in lines[1:-1]]
    if len(entries) != head["entry_count"]:
        raise BundleError("invalid_payload:1")
    return head, entries


def check():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "vectors.json")) as f:
        vectors = json.load(f)
    failures = 0
    for v in vectors:
        with open(os.path.join(here, v["file"]), "rb") as f:
            data = f.read()
        try:
            _, entries = decrypt(data, v["passphrase"])
            with open(os.path.join(here, v["file"].replace(".bundle", ".expected.json"))) as f:
                expected = json.load(f)
            outcome = "ok" if entries == expected else "ok-but-different-entries"
        except BundleError as e:
            outcome = str(e)
        status = "pass" if outcome == v["expect"] else "FAIL"
        failures += status == "FAIL"
        print(f"{status}: {v['file']} ({v['passphrase']!r}) -> {outcome}, expected {v['expect']}")
    print(f"{len(vectors) - failures} passed, {failures} failed")
    return failures == 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if check() else 1)
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        _, entries = decrypt(f.read(), sys.argv[2])
    print(json.dumps(entries, indent=2, ensure_ascii=False))
