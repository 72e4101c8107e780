"""Reading docs/deploy.md: its fenced blocks, the ones marked for the loopback deployment, the
files it quotes; and the commands a script runs between its `# >>> docs/deploy.md` markers."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deploy.md"
DEPLOY = ROOT / "deploy"
# Where the guide installs the project and keeps its settings.
APP = "/opt/aspirasi/app"
ENV_FILE = "/etc/aspirasi/aspirasi.env"
MARKER = re.compile(r"^<!--\s*(.*?)\s*-->$")
# Process control around a command is not the command: `exec` (the script becomes it), `&` (it
# runs in the background) and tying a background process to its parent's life.
AROUND = (re.compile(r"^exec "), re.compile(r"^setpriv --pdeathsig \S+ -- "), re.compile(r" &$"))


@dataclass(frozen=True)
class Block:
    marker: str  # the HTML comment on the line before the opening fence, "" when none
    text: str


def blocks(text: str | None = None) -> list[Block]:
    """The guide's fenced blocks that start at the beginning of a line."""
    lines = (GUIDE.read_text(encoding="utf-8") if text is None else text).splitlines()
    found, previous, inside, body, marker = [], "", False, [], ""
    for line in lines:
        if inside:
            if line == "```":
                found.append(Block(marker, "".join(f"{b}\n" for b in body)))
                inside = False
            else:
                body.append(line)
        elif line.startswith("```"):
            match = MARKER.match(previous)
            marker, body, inside = (match.group(1) if match else ""), [], True
        if line.strip():
            previous = line
    return found


def commands(text: str) -> list[str]:
    """Shell command lines: continuation lines joined, blank lines and comments dropped."""
    joined, pending = [], ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1].strip() + " "
            continue
        line = (pending + line.strip()).strip()
        pending = ""
        if line and not line.startswith("#"):
            joined.append(line)
    return joined


def loopback_commands() -> list[str]:
    return [c for b in blocks() if b.marker == "loopback" for c in commands(b.text)]


def quoted_files() -> dict[str, str]:
    """deploy/ files the guide quotes whole: `<!-- file: deploy/NAME -->` before the block."""
    return {
        b.marker.removeprefix("file:").strip(): b.text
        for b in blocks()
        if b.marker.startswith("file:")
    }


def script_commands(script: Path) -> list[str]:
    """The commands between a script's `# >>> docs/deploy.md` and `# <<< docs/deploy.md`, with
    the process control around them taken off."""
    text = script.read_text(encoding="utf-8")
    region = re.search(r"^# >>> docs/deploy\.md.*?\n(.*?)^# <<< docs/deploy\.md", text, re.S | re.M)
    assert region, f"{script} has no '# >>> docs/deploy.md' ... '# <<< docs/deploy.md' markers"
    found = []
    for command in commands(region.group(1)):
        for pattern in AROUND:
            command = pattern.sub("", command)
        found.append(command)
    return found


def unit_value(unit: Path, key: str) -> str:
    """A systemd unit's KEY= line (the first one)."""
    for line in unit.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{unit} has no {key}=")


@dataclass(frozen=True)
class PipeLine:
    user: str
    argv: list[str]


def postfix_pipe() -> PipeLine:
    """The Postfix pipe service of deploy/postfix-master.cf: its user= and argv=."""
    text = (DEPLOY / "postfix-master.cf").read_text(encoding="utf-8")
    line = " ".join(s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#"))
    user = re.search(r"\buser=(\S+)", line)
    assert user and "argv=" in line, f"no user= or argv= in {line!r}"
    return PipeLine(user.group(1), shlex.split(line.split("argv=", 1)[1]))
