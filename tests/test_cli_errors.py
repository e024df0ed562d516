"""Every failure of the `pact24` command is one line on stderr with a stated exit code, never a
traceback: usage errors and domain errors exit 2, a missing file or an unreachable server 1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pact24.ledger import encode_private_key, generate_keypair

CLI = [sys.executable, "-c", "from pact24.cli import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


def one_line(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The one stderr line of a failure that exited ``code``."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "d.key"
    path.write_text(encode_private_key(generate_keypair()[0]) + "\n")
    return path


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nosuchcmd"], "No such command 'nosuchcmd'"),
        (["simulate", "--bogus"], "No such option: --bogus"),
        (
            ["witness", "http://x", "--guarantee", "g", "--state", "s", "--interval", "abc"],
            "Invalid value for '--interval'",
        ),
        (["ledger", "verify"], "Missing argument"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], says: str) -> None:
    line = one_line(run(*args), 2)
    assert says in line and "--help'" in line


def test_missing_token_is_a_usage_error(key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PACT24_TOKEN", raising=False)
    args = ["decide", "--server", "http://127.0.0.1:1", "--key", str(key)]
    line = one_line(run(*args, "--instrument", "troops", "--commit"), 2)
    assert "Missing option '--token'" in line


def test_no_arguments_show_the_help_and_exit_2() -> None:
    result = run()
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Usage: " in result.stdout and "decide" in result.stdout


def test_a_domain_error_is_one_line_exit_2(key: Path) -> None:
    args = ["decide", "--server", "http://127.0.0.1:1", "--token", "t", "--key", str(key)]
    line = one_line(run(*args, "--instrument", "troops", "--commit", "--decline"), 2)
    assert line == "error: say --commit or --decline"


def test_a_missing_key_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.key"
    args = ["decide", "--server", "http://127.0.0.1:1", "--token", "t", "--key", str(missing)]
    line = one_line(run(*args, "--instrument", "troops", "--commit"), 1)
    assert line == f"error: {missing}: No such file or directory"


def test_an_unreachable_server_is_one_line(key: Path) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    args = ["decide", "--server", server, "--token", "t", "--key", str(key)]
    line = one_line(run(*args, "--instrument", "troops", "--commit"), 1)
    assert line.startswith(f"error: could not reach {server}/api/v1/me: ")


def test_ledger_export_without_a_database_refuses_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    out = tmp_path / "out.jsonl"
    line = one_line(run("ledger", "export", "--db", f"sqlite:///{missing}", "--out", str(out)), 2)
    assert (
        line
        == f"error: no database at {missing}; give --db, or export from a service with --server"
    )
    assert sorted(tmp_path.iterdir()) == []


def test_ledger_export_from_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    args = ["ledger", "export", "--server", server, "--token", "t"]
    line = one_line(run(*args, "--out", str(tmp_path / "o.jsonl")), 1)
    assert line.startswith(f"error: could not reach {server}/api/v1/guarantees: ")
    assert sorted(tmp_path.iterdir()) == []


def test_a_witness_that_never_reaches_the_service_exits_4_after_the_outage(
    tmp_path: Path,
) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    args = ["witness", server, "--guarantee", "g", "--token", "t", "--state", str(tmp_path)]
    result = run(*args, "--outage", "0")
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert result.stderr.startswith("OUTAGE: no answer for 0 s (the limit is 0 s): ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "g" / "ALARM").exists()
