"""The scripted demo covers what the issue asks, and its ledger verifies and replays."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pact24 import demo
from pact24.ledger import verify_jsonl, write_jsonl
from pact24.mechanism import DecisionRecorded, Phase
from pact24.replay import replay_file
from pact24.vocab import Choice, Instrument


def pact24(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("pact24")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120)


def test_demo_script_has_every_kind_of_answer():
    run = demo.run()
    decisions = [e for e in run.state.history if isinstance(e, DecisionRecorded)]
    choices = {d.choice for d in decisions}
    assert {Choice.COMMIT, Choice.CONDITIONAL, Choice.DECLINE} <= choices
    assert any(d.revision > 1 for d in decisions), "a revision"
    assert [r.event.guarantor for r in run.refused] == ["USA"], "a late decision refused"
    assert "after it counts" in run.refused[0].reason
    assert ("CAN", Instrument.TROOPS) in run.state.silent(), "a silent guarantor"
    assert run.state.phase is Phase.DECLARED
    assert run.state.outcome is not None
    assert run.state.receipt("CAN", Instrument.TROOPS).by_silence


def test_demo_late_decision_leaves_no_trace():
    run = demo.run()
    late = run.refused[0].event
    assert late.at >= run.state.deadline
    assert late not in run.state.history
    assert run.state.receipt("USA", Instrument.TROOPS).by_silence


def test_demo_ledger_is_deterministic_and_verifies(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, demo.run().ledger)
    write_jsonl(b, demo.run().ledger)
    assert a.read_bytes() == b.read_bytes()
    assert verify_jsonl(a).size == demo.run().ledger.size


def test_replay_gives_the_demo_outcome(tmp_path):
    path = tmp_path / "demo.jsonl"
    run = demo.run()
    write_jsonl(path, run.ledger)
    _, [replayed] = replay_file(path)
    assert replayed.state == run.state
    assert replayed.mode == "exercise"


def test_cli_demo_writes_a_ledger_that_verify_and_replay_accept(tmp_path):
    path = tmp_path / "demo.jsonl"
    r = pact24("demo", "--ledger", str(path))
    assert r.returncode == 0, r.stderr
    assert "HONOURED" in r.stdout and "refused USA" in r.stdout
    assert pact24("ledger", "verify", str(path)).returncode == 0
    replayed = pact24("replay", str(path))
    assert replayed.returncode == 0, replayed.stderr
    assert "HONOURED" in replayed.stdout and "EXERCISE" in replayed.stdout
