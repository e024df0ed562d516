"""The assessment's sizes refuse what its analyses cannot use."""

from __future__ import annotations

import dataclasses

import pytest

from pact24.explore.defaults import FULL, QUICK, Sizes


@pytest.mark.parametrize("sizes", [FULL, QUICK], ids=["full", "quick"])
def test_one_morris_trajectory_is_refused(sizes: Sizes) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        dataclasses.replace(sizes, morris_trajectories=1)


@pytest.mark.parametrize("base", [0, 3, 12])
def test_a_sobol_base_that_is_not_a_power_of_two_is_refused(base: int) -> None:
    with pytest.raises(ValueError, match="power of 2"):
        dataclasses.replace(FULL, sobol_base=base)
