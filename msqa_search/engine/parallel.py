"""Full builds in several processes: each writes one Whoosh segment of the index.

Whoosh spends its time per posting in Python, so one process builds at a small
fraction of SQLite's rate. Segments are independent files, so worker processes each
write one (with its columns file), and the parent joins them (and their columns) under one table of
contents. Workers are plain ``python -I`` processes (see ``_BOOT``) fed through a pipe
(so a caller's script needs no ``if __name__ == "__main__"`` guard), and a worker whose
parent dies sees its pipe close and exits without a trace.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import shutil
import struct
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from ..column_writer import write_columns
from ..errors import MsqaError
from ..model import Thread
from . import compat
from .batch import WRITER_MB, Batch, cancel, segment_columns_name
from .schema import INDEX_NAME, SCHEMA

__all__ = ["CHUNK_ANSWERS", "WorkerError", "build_segments", "main", "worker_path"]

#: Answers sent to a worker at a time.
CHUNK_ANSWERS = 400
_FRAME = struct.Struct("<Q")
_END = b"end"


class WorkerError(MsqaError):
    """A worker process failed while building its segment."""


def _chunks(threads: Iterable[Thread], on_thread: Callable[[Thread], None] | None) -> Iterator[list[Thread]]:
    chunk: list[Thread] = []
    size = 0
    for thread in threads:
        chunk.append(thread)
        size += len(thread.answers)
        if on_thread is not None:
            on_thread(thread)
        if size >= CHUNK_ANSWERS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)


def _receive(stream):
    """The next object on ``stream``, or None at the end of the stream."""
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


# Workers run in isolated mode (-I): no current folder, script folder, PYTHONPATH or
# user site on sys.path, so a corpus folder holding an attrs.py, numpy.py or whoosh/ is
# never imported from. They get the parent's import path instead, made safe.
_BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv.pop(2));"
    " from msqa_search.engine.parallel import main; main()"
)


def worker_path() -> list[str]:
    """The parent's ``sys.path`` without the current folder or any relative entry, and
    with the folder this package is imported from (last, so it shadows nothing)."""
    cwd = os.path.realpath(os.getcwd())
    path = [p for p in sys.path if p and os.path.isabs(p) and os.path.realpath(p) != cwd]
    package_root = str(Path(__file__).resolve().parents[2])
    if package_root not in path:
        path.append(package_root)
    return path


def build_segments(threads: Iterable[Thread], folder: Path, workers: int,
                   on_thread: Callable[[Thread], None] | None) -> Counter:
    """Write ``threads`` into the empty index at ``folder`` with ``workers`` processes.

    Returns:
        The vocabulary of the threads (raw word -> number of answers).
    """
    parts = [folder / f"part-{i}" for i in range(workers)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, str(part), json.dumps(worker_path())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        for part in parts
    ]
    # One feeding thread per worker takes the next chunk when its worker is ready, so
    # a slow worker never holds up the others.
    pending: queue.Queue = queue.Queue(maxsize=2 * workers)
    failures: list[BaseException] = []
    feeders = [threading.Thread(target=_feeder, args=(pending, p, failures), daemon=True) for p in processes]
    for feeder in feeders:
        feeder.start()
    try:
        for chunk in _chunks(threads, on_thread):
            while True:
                if failures:
                    raise failures[0]
                try:
                    pending.put(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL), timeout=0.5)
                    break
                except queue.Full:
                    continue
        for _ in feeders:
            pending.put(None)
        for feeder in feeders:
            feeder.join()
        if failures:
            raise failures[0]
        segments, vocabulary = [], Counter()
        for process, part in zip(processes, parts):
            result = _receive(process.stdout)
            if process.wait() != 0 or not result or result[0] != "ok":
                detail = result[1] if result else f"exit code {process.returncode}"
                raise WorkerError(f"building the index failed in a worker process: {detail}")
            segments.extend(result[1])
            vocabulary.update(result[2])
            for item in part.iterdir():
                if item.is_file() and not item.name.startswith(("_", ".")) and not item.name.endswith("WRITELOCK"):
                    os.replace(item, folder / item.name)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
            for stream in (process.stdin, process.stdout):
                if stream and not stream.closed:
                    stream.close()
        for part in parts:
            shutil.rmtree(part, ignore_errors=True)
    compat.write_toc(FileStorage(str(folder)), segments, SCHEMA, INDEX_NAME)
    return vocabulary


def _feeder(pending: queue.Queue, process: subprocess.Popen, failures: list) -> None:
    """Write pickled chunks from ``pending`` to one worker until a None; then the end."""
    try:
        while True:
            data = pending.get()
            if data is None:
                break
            process.stdin.write(_FRAME.pack(len(data)))
            process.stdin.write(data)
            process.stdin.flush()
        _send(process.stdin, _END)
        process.stdin.close()
    except BrokenPipeError:
        process.wait()
        failures.append(WorkerError(f"a worker process building the index died (exit code {process.returncode})"))
    except BaseException as e:  # noqa: BLE001 - handed to the main thread
        failures.append(e)


def _work(folder: Path) -> tuple:
    """Build one segment at ``folder`` from the chunks of threads on standard input."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = FileStorage(str(folder)).create_index(SCHEMA, indexname=INDEX_NAME)
    writer = ix.writer(limitmb=WRITER_MB, compound=False)
    batch = Batch(writer)
    try:
        while True:
            chunk = _receive(sys.stdin.buffer)
            if chunk is None:
                raise SystemExit(3)  # the parent is gone: nobody will use this segment
            if chunk == _END:
                break
            for thread in chunk:
                batch.add(thread)
        writer.commit(optimize=False)
    except BaseException:
        cancel(writer)
        raise
    segments = compat.segments(FileStorage(str(folder)).open_index(indexname=INDEX_NAME, schema=SCHEMA))
    for segment in segments:
        write_columns(folder / segment_columns_name(segment), [batch.columns.build()],
                      [(segment.segment_id(), segment.doc_count_all())])
    return ("ok", segments, batch.vocabulary)


def main() -> None:
    out = sys.stdout.buffer
    try:
        result = _work(Path(sys.argv[1]))
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which raises
        result = ("error", f"{type(e).__name__}: {e}")
    _send(out, result)
    out.flush()


if __name__ == "__main__":
    main()
