"""The assessment report: written from small synthetic tables, opened in headless Chromium.

The page must load with no console error and every figure decoded (``naturalWidth > 0``), with
nothing fetched from outside the file; the headline must be written from the numbers (change
them and the words change). A screenshot goes to the test's tmp dir.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from tests.report import synthetic
from tests.service.test_web_browser import CHROMIUM, CHROMIUM_ARGS, PNG_MAGIC, _need_browser

import pact24
from pact24.report import summaries
from pact24.report.assessment import ReportInputs, headline_of, write_report

FIGURES = (
    "window_sweep",
    "speedup_sweep",
    "pareto",
    "pivotal",
    "response_cdf",
    "cost_credibility",
    "deterrence",
    "sobol",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(synthetic.inputs(), tmp_path_factory.mktemp("assessment"))


def test_the_report_is_one_self_contained_page_with_its_figures(report: Path) -> None:
    html = report.read_text()
    for name in FIGURES:
        png = report.parent / "figures" / f"{name}.png"
        assert png.read_bytes().startswith(PNG_MAGIC)
        assert f'id="fig-{name}"' in html
    assert html.count('src="data:image/png;base64,') == len(FIGURES)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html
    assert f"pact24 {pact24.__version__}, seed 3" in html
    assert "pact24 assess --quick --seed 3" in html


def test_a_first_arrival_at_0_h_is_called_a_definition_for_exactly_those_designs(
    report: Path, tmp_path: Path
) -> None:
    assert "First arrival reads 0 h" not in report.read_text()  # every synthetic arrival > 0
    base = synthetic.inputs()
    stationed = base.outcomes.copy()
    stationed.loc[stationed["design"] == "tripwire-presence", "arrival_h_q50"] = 0.0
    html = write_report(replace(base, outcomes=stationed), tmp_path).read_text()
    note = html[html.index("First arrival reads 0 h for") :].split("</p>")[0]
    assert "tripwire-presence" in note and "stationed contingent" in note
    assert "meloni-24h" not in note and "article5-consensus" not in note


def _headline(inputs: ReportInputs) -> str:
    by_design = summaries.per_design(inputs.outcomes)
    h = headline_of(inputs, "meloni-24h", by_design, ["calibration"])
    return " ".join(h.answer + h.assumptions)


def test_the_headline_is_written_from_the_numbers() -> None:
    base = synthetic.inputs()
    first = _headline(base)
    worse = base.outcomes.copy()
    worse.loc[worse["design"] == "meloni-24h", "p_pledges_ge3_24h"] = 0.01
    second = _headline(replace(base, outcomes=worse))
    assert "within the 24 hours almost never: 1 % of crises" in second
    assert "almost never: 1 %" not in first
    # The design's place, the most robust design, the cheapest credible lever setting and the
    # most pivotal state are read from the tables.
    assert "meloni-24h ranks 3rd" in first
    assert "The most robust design is tripwire-presence" in first
    assert "of at least 50 % is v2" in first
    assert "The most pivotal state is USA" in first
    assert "guarantor.escalation_fear (total Sobol index 0.70)" in first
    nobody = base.robustness.assign(share_meeting_bar=0.0)
    assert "No design meets the bar" in _headline(replace(base, robustness=nobody))
    assert "is tripwire-presence (mean regret 0.05)" in _headline(replace(base, robustness=nobody))
    pareto = base.pareto.assign(credibility=base.pareto["credibility"] / 10)
    assert "No setting of the levers searched reaches" in _headline(replace(base, pareto=pareto))


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_the_report_opens_in_chromium_with_every_figure_loaded(
    report: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    _need_browser()
    errors: list[str] = []
    outside: list[str] = []
    shot = tmp_path / "assessment.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            widths = page.eval_on_selector_all(
                "img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
            )
            assert page.title().startswith("How credible is a 24-hour guarantee?")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert outside == []
    assert len(widths) == len(FIGURES) and all(w > 0 for w in widths)
    assert shot.read_bytes().startswith(PNG_MAGIC)
