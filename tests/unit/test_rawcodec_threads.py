"""Raw sources compressed and decompressed on several threads at once come back whole.

The window reads a message's source on its loader lanes while the sync's writer
compresses new ones; zstandard's (de)compressor objects are not thread-safe, and
one shared pair gave a 25 MB message back with zeros in it.
"""

from __future__ import annotations

import os
import threading

from unibox.core.rawcodec import compress_raw, decompress_raw


def test_round_trips_on_four_threads_at_once() -> None:
    blocks = [os.urandom(1 << 18) * 8 + bytes([n]) * 4096 for n in range(4)]  # 2 MB each
    stored = [compress_raw(b) for b in blocks]
    wrong: list[str] = []
    start = threading.Barrier(4)

    def work(n: int) -> None:
        start.wait()
        for _ in range(15):
            if decompress_raw(stored[n], "zstd") != blocks[n]:
                wrong.append(f"decompress {n}")
            if decompress_raw(compress_raw(blocks[n]), "zstd") != blocks[n]:
                wrong.append(f"compress {n}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong, wrong
