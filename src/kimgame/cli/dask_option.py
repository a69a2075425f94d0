"""``--dask [ADDRESS]`` of ``analyze`` and ``sweep``: run on a Dask scheduler, or on a LocalCluster when no
address follows the option."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Optional

import typer

DaskOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--dask", metavar="[ADDRESS]", help="Run on Dask (needs: pip install 'kimgame\\[dask]'): on the scheduler at "
    "ADDRESS (tcp://HOST:8786), or with no address on a LocalCluster sized to this machine.")]
DASK_LOCAL = "local"  # the value --dask gets when no address follows it (see dask_without_address)


def dask_without_address(argv: list[str]) -> list[str]:
    """``--dask`` followed by nothing or by another option means a LocalCluster: give it the value 'local'
    (typer has no options with an optional value)."""
    out = list(argv)
    for k in range(len(out) - 1, -1, -1):
        if out[k] == "--dask" and (k + 1 == len(out) or out[k + 1].startswith("-")):
            out.insert(k + 1, DASK_LOCAL)
    return out


@contextmanager
def dask_client(dask: str | None) -> Iterator[object]:
    """The Dask client of ``--dask`` (None without it: nothing of Dask is imported)."""
    if dask is None:
        yield None
        return
    from kimgame.analysis.distributed import client_for

    with client_for(None if dask == DASK_LOCAL else dask) as client:
        yield client
