"""Files at rest (DESIGN rule 2): uploads, error reports and exports hold personal
numbers, so they are readable by the platform's own user only (0600 in 0700 folders).
How long each is kept is jobs/retention.py's concern."""

import os
from pathlib import Path

from django.conf import settings


def private_folder(path):
    """`path` made (with its parents inside the data folder) and closed to other users."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = Path(settings.DATA_DIR)
    for folder in (path, *path.parents):
        if folder == data or data in folder.parents:
            os.chmod(folder, 0o700)
        if folder == data:
            break
    return path


def private_file(path):
    """An empty file at `path` (truncating any there) that only the platform's user reads;
    writers that then open it by name keep its mode."""
    path = Path(path)
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # O_CREAT's mode does not apply to a file already there
    return path
