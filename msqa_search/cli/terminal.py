"""Writing to the terminal: safe text, colour, width, JSON, and streams that fail."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import sys

import click

from . import output

__all__ = [
    "OUTPUT_ERRORS",
    "ROLES",
    "color_on",
    "dumps",
    "echo",
    "echo_err",
    "echo_json",
    "fail",
    "unicode_ok",
    "forgiving_streams",
    "json_error",
    "pipe_closed",
    "silence_stdout",
    "stdout_open",
    "styler",
    "terminal_width",
]

ROLES = {
    "title": {"bold": True},
    "doctor": {"fg": "cyan"},
    "question": {"dim": True},
    "dim": {"dim": True},
    "match": {"fg": "yellow", "bold": True},
    "heading": {"bold": True, "underline": True},
    "bar": {"fg": "green"},
    "summary": {"bold": True},
}
OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def forgiving_streams() -> None:
    """Characters the terminal's encoding lacks become '?', never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a detached stream
                pass


def stdout_open() -> bool:
    if sys.stdout is None:
        return False
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return True  # not a file (CliRunner's buffer): writable
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def silence_stdout() -> None:
    """Point stdout at the null device, so that the final flush fails no more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives until exit


def pipe_closed() -> None:
    """End as a Unix tool whose reader has gone: quietly, by SIGPIPE where there is one."""
    silence_stdout()
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(141)


def echo_err(message: str) -> None:
    click.echo(output.safe(message), err=True)


def fail(message: str, as_json: bool) -> None:
    if as_json:
        json_error(message, 2, "Failure")
    else:
        echo_err(f"msqa-search: {message}")
    sys.exit(2)


def json_error(message: str, code: int, kind: str) -> None:
    click.echo(dumps({"error": {"type": kind, "message": message, "exit_code": code}}, indent=None), err=True)


def color_on(flag: bool | None) -> bool:
    """Colour when asked (--color), else on a terminal unless NO_COLOR is set (and not
    empty, as no-color.org says)."""
    color = flag if flag is not None else sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    # click.echo strips ANSI codes from output that is not a terminal, unless told.
    click.get_current_context().color = color
    return color


def styler(color: bool) -> output.Style:
    if not color:
        return output.plain
    return lambda text, role: click.style(text, **ROLES.get(role, {}))


def terminal_width() -> int:
    """The terminal's width (40 to 120 columns); 80 when not on a terminal."""
    if sys.stdout.isatty():
        return max(40, min(shutil.get_terminal_size().columns, 120))
    return 80


def unicode_ok() -> bool:
    """True when stdout takes Unicode; else the output uses ASCII only for its own signs."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith(("utf", "gb18030"))


# Characters that JSON may hold raw but a terminal would obey: C1 controls, bidi
# controls, line separators, lone surrogates. Escaped, the JSON means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(data, indent: int | None = 2) -> str:
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def echo_json(data) -> None:
    click.echo(dumps(data))


def echo(text: str = "") -> None:
    """Print a line built from file content (made safe) to stdout."""
    click.echo(output.safe(text))
