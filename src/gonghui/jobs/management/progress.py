"""The progress bar of the import and export commands."""

import time


class Bar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream):
        self.stream, self.last = stream, 0.0

    def __call__(self, done, total, final=False):
        now = time.monotonic()
        if not final and now - self.last < 0.1:
            return
        self.last = now
        if total:
            share = min(done / total, 1)
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:4.0%} {done:,}/{total:,}")
        else:
            self.stream.write(f"\r{done:,}")
        self.stream.flush()
