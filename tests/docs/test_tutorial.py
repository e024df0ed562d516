"""``docs/tutorial.ipynb`` runs from top to bottom: every cell, in a fresh Python kernel.

The notebook is the analyst's entry to the Python API, so a cell that fails is a broken API or a
broken tutorial; either fails ``make test``. It runs in a temporary folder and writes there only.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.ipynb"


@pytest.mark.timeout(240)
def test_the_tutorial_notebook_runs_without_an_error(tmp_path: Path) -> None:
    nb = nbformat.read(TUTORIAL, as_version=4)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=180,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "Run " in text and "meloni-24h" in text  # the --explain narrative was printed
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the figure was drawn
