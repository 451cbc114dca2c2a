"""A worker process of ``quyche audit --workers N`` (started as ``python -m quyche._audit_worker``).

The protocol, over the worker's stdin and stdout (private pipes to the parent process that started it):
frames of an 8-byte big-endian length and a pickle. The first frame from the parent is
``(recipe of the Regulation, given today, default today, writer)``: the worker builds its one
:class:`~quyche.Regulation` from it (:func:`quyche.auditing.rebuild`). Every further frame is a chunk
``[(number, case), …]``; the worker answers each, in order, with :func:`quyche.auditing.process_chunk`'s
result — or, with a ``writer`` ``(output fd, turn in, turn out)``, answers only the lines' errors and the counts,
and a thread writes the chunk's lines to the output fd when this worker holds the turn (a byte read from ``turn
in``), then passes the turn on (a byte written to ``turn out``), while the next chunks are tracked. The worker
ends once every block is written. End of input ends the worker. A thread
reads the frames as they come, so that the parent's writes never wait on the worker's writes (no deadlock
whatever the sizes). Started fresh by the parent (not forked, not
``multiprocessing``): no state is inherited, and the main module of the parent is never re-run.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import sys
import threading
from typing import IO, Any

HEADER = struct.Struct(">Q")


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame's payload, or None at the end of the stream."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return data


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    """Write one frame and flush it."""
    stream.write(HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def main() -> int:
    """Serve chunks until the parent closes the pipe."""
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the protocol's pipe
    first = read_frame(inp)
    if first is None:
        return 0
    made, given, default, writer = pickle.loads(first)  # noqa: S301 - from the parent process only

    from quyche.auditing import process_chunk, rebuild, write_chunk

    reg = rebuild(made)
    frames: queue.Queue[bytes | None] = queue.Queue()

    def reader() -> None:
        while True:
            frame = read_frame(inp)
            frames.put(frame)
            if frame is None:
                return

    threading.Thread(target=reader, name="quyche-audit-reader", daemon=True).start()
    blocks: queue.Queue[bytes | None] = queue.Queue()
    stopped = threading.Event()  # the worker before this one stopped: the turn will never come
    if writer is not None:
        fd, turn_in, turn_out = writer

        def write() -> None:
            """Write each chunk's block when the turn comes, while the next chunks are being tracked."""
            while True:
                data = blocks.get()
                if data is None:
                    return
                if not os.read(turn_in, 1):
                    stopped.set()
                    return
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.write(turn_out, b"\x00")

        writing = threading.Thread(target=write, name="quyche-audit-writer", daemon=True)
        writing.start()
    while True:
        frame = frames.get()
        if frame is None or stopped.is_set():
            break
        chunk: list[tuple[int, Any]] = pickle.loads(frame)  # noqa: S301
        if writer is None:
            result: Any = process_chunk(reg, given, default, chunk)
        else:
            data, errors, counts = write_chunk(reg, given, default, chunk)
            blocks.put(data)
            result = (errors, counts)
        write_frame(out, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    if writer is not None:
        blocks.put(None)
        writing.join()  # every block written before this worker ends (the parent waits for that)
    reg.close()
    if stopped.is_set():
        print("the audit worker before this one stopped", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()  # every answer was flushed as it was written
    # the work is done and answered: end now, without tearing down the interpreter (freeing every object of the
    # memos one by one took a few tenths of a second, during which the parent waited)
    os._exit(code)
