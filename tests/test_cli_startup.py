"""The command line mounts its sub-apps lazily: `pact24 --help` imports none of them, each help
line it lists is the one the command itself gives, and a sub-app module imports only what its
own help needs. Times are measured by `make bench`, not asserted here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pact24.cli import SUBCOMMANDS, load

HEAVY = "numpy pandas scipy pyarrow sqlalchemy fastapi httpx uvicorn pydantic cryptography yaml"


def _loaded_after(code: str) -> set[str]:
    """The HEAVY modules a fresh interpreter holds after running ``code``."""
    held = f"' '.join(m for m in {HEAVY.split()!r} if m in sys.modules)"
    probe = f"{code}\nimport sys\nsys.stderr.write({held})"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stderr.split())


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    assert load(name).help == SUBCOMMANDS[name].help


def test_help_imports_no_sub_app() -> None:
    code = (
        "import sys\nsys.argv = ['pact24', '--help']\nfrom pact24.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code) == set()


# What a sub-app module may add to its own package: the modules its option help is built from.
HELP_NEEDS = {"pact24.sim.cli": {"numpy"}, "pact24.calibrate.cli": {"numpy", "scipy"}}


@pytest.mark.parametrize(
    "module", sorted({sub.target.partition(":")[0] for sub in SUBCOMMANDS.values()})
)
def test_sub_app_imports_only_what_its_help_needs(module: str) -> None:
    package = module.rpartition(".")[0]
    baseline = _loaded_after(f"import {package}") if package != "pact24" else set()
    added = _loaded_after(f"import {module}") - baseline
    assert added <= HELP_NEEDS.get(module, set())
