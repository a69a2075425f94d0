"""examples/singapore.ipynb runs top to bottom in a real kernel (nbclient + ipykernel, the test extra)
and shows kimgame's HTML displays."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_example_notebook_runs():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "examples" / "singapore.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "text/html" in o.get("data", {})]
    assert any("<svg" in h and "edge spe path" in h for h in html)  # the tree with its path
    assert any("Subgame-perfect equilibria" in h for h in html)    # the solve result
    assert any("silence-dominates" in h for h in html)             # the claim's analysis
    assert any("dataframe" in h for h in html)                     # to_pandas
