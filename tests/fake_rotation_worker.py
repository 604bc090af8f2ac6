"""A stand-in for ``fnox_tui.core.rotation.worker`` that misbehaves on purpose (tests of the
process runner's failure paths): ``python fake_rotation_worker.py MODE``.

- ``crash``: starts the first row, then reports that its run failed;
- ``exit``: starts the first row, then exits with status 3;
- ``stubborn``: starts every row and never answers again, a cancel included.
"""

from __future__ import annotations

import os
import sys

from fnox_tui.core.rotation.frames import read_frame, write_frame


def main(mode: str) -> int:
    source = os.fdopen(os.dup(0), "rb")
    sink = os.fdopen(os.dup(1), "wb")
    while True:
        message = read_frame(source)
        if message is None:
            return 0
        if message[0] == "setup":
            write_frame(sink, ("ready",))
        elif message[0] == "run":
            work = message[1]
            if mode == "crash":
                write_frame(sink, ("batch", [("started", 0)]))
                write_frame(sink, ("crashed", "RuntimeError"))
            elif mode == "exit":
                write_frame(sink, ("batch", [("started", 0)]))
                return 3
            else:
                write_frame(sink, ("batch", [("started", i) for i in range(len(work))]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
