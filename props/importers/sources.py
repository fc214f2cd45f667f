"""Opening what `run_import` is given (a path, "-" for stdin, or a binary file object) and
telling its format from its first kilobytes."""

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .base import FormatError

HEAD_SIZE = 64 * 1024


class _Rewound(io.RawIOBase):
    """A stream that replays `head` (already read for sniffing) before the rest of `stream`."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@contextmanager
def open_source(source: Any) -> Iterator[tuple[IO[bytes], str, int | None]]:
    """Yield (binary stream, display name, size in bytes or None) for a path, "-" or a file."""
    if source == "-":
        yield sys.stdin.buffer, "stdin", None
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise FormatError(f"Cannot read {path}: {exc.strerror}.") from None
        with handle:
            yield handle, path.name, path.stat().st_size
    else:
        name = Path(getattr(source, "name", "") or "upload").name
        yield source, name, getattr(source, "size", None)


def sniff(stream: IO[bytes]) -> tuple[str, IO[bytes]]:
    """(head text, a stream that still starts at the beginning) for format detection."""
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    rewound = io.BufferedReader(_Rewound(head, stream), buffer_size=1024 * 1024)
    return head.decode("utf-8-sig", errors="replace"), rewound
