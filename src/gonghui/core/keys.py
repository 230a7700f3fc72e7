"""Keys generated once into the data folder when the environment gives none."""

import base64
import os
from pathlib import Path


def load_or_create_key(path: Path) -> str:
    """Return the base64 key stored at `path`, creating a random 32-byte one if absent."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)  # the data folder: keys, database, job files
    key = base64.b64encode(os.urandom(32)).decode()
    # O_EXCL: two processes starting at once must not each write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key
