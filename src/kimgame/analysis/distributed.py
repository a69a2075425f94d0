"""Running chunks of work on Dask (``dask.distributed``), or in this process when there is no client.

kimgame ships to the workers only what a chunk needs: a :class:`~kimgame.analysis.sweep.SweepPlan`
(the varied parameters' exact axes and the claims' exact conditions) or the game object itself (for
exact solves); never a file path. The shared object is a task of its own, ``_same(shared)``, computed on
one worker and copied from there to the others as they need it; unlike scattered data, the scheduler
can recompute it if every worker holding it dies. Each chunk is a task on it. Chunks are submitted a few per worker thread ahead
of the one being collected and collected in order, so the caller can stream results without holding
them all; a chunk lost with a worker is recomputed by the scheduler (Dask's own fault tolerance).

Dask is optional (``pip install 'kimgame[dask]'``) and imported only when a client is used.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from kimgame.errors import KimgameError

__all__ = ["client_for", "map_chunks", "worker_threads"]

T = TypeVar("T")
AHEAD = 2  # chunks in flight per worker thread beyond the one being collected


def _distributed():
    try:
        import distributed
    except ImportError:
        raise KimgameError("--dask needs dask and distributed: pip install 'kimgame[dask]'") from None
    return distributed


@contextmanager
def client_for(address: str | None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: connected to the scheduler at ``address`` (``tcp://HOST:8786``), or,
    when it is None, to a new ``LocalCluster`` sized to this machine (Dask's defaults: worker processes
    and threads from the number of cores), closed again on exit."""
    distributed = _distributed()
    if address is None:
        with distributed.LocalCluster(dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
            yield client
        return
    if "://" not in address and ":" not in address:
        raise KimgameError(f"--dask {address}: not a scheduler address; write tcp://HOST:PORT (e.g. "
                           "tcp://10.0.0.5:8786), or put --dask last for a LocalCluster on this machine")
    try:
        client = distributed.Client(address, timeout=30)
    except OSError as err:
        raise KimgameError(f"--dask {address}: cannot reach the scheduler: {err}") from None
    with client:
        yield client


def worker_threads(client: Any) -> int:
    """The number of worker threads of ``client``'s cluster (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def _same(shared: T) -> T:
    return shared


def map_chunks(fn: Callable[[Any, T], Any], shared: Any, chunks: Iterable[T], client: Any = None) -> Generator[Any, None, None]:
    """``fn(shared, chunk)`` for each chunk, yielded in the order of ``chunks``.

    Without a client, one after the other in this process. With a ``dask.distributed.Client``:
    ``shared`` is sent once as a task of its own (recomputable, unlike scattered data), and at most
    ``AHEAD`` chunks per worker thread wait beyond the one being yielded (bounded memory, whatever the
    number of chunks); the scheduler recomputes the chunks of a worker that dies. When the caller stops
    early (an error, Ctrl-C, a time limit), the chunks still pending are cancelled.
    """
    if client is None:
        for chunk in chunks:
            yield fn(shared, chunk)
        return
    handle = client.submit(_same, shared, pure=False)
    window = AHEAD * worker_threads(client) + 1
    pending: deque = deque()
    try:
        for chunk in chunks:
            pending.append(client.submit(fn, handle, chunk, pure=False))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        if pending:
            client.cancel(list(pending))
