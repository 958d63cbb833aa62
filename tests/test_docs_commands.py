"""Every command the README and docs show is run here, so the docs cannot drift from the code.

GIVEN each fenced ``bash``/``sh``/``console`` block of README.md and docs/*.md
WHEN its lines run in order, as one shell session (exports and files carry over), in a scratch copy of
     the repository's fixtures, rulesets, docs and benchmarks
THEN no command exits with a usage/bad-input code (2), an internal-error code (4 and up) or prints a
     traceback. 0, 1 (a major hazard was found) and 3 (incomplete) are the documented outcomes of a run.

What is not run literally, and what is checked instead (said here so nothing is skipped silently):
- ``pip install X && CMD`` and ``(pip install X || pip install Y) && CMD``: CMD runs; X and Y must name extras
  the project declares (CI performs the install; ``.ci/run`` also runs the README's first line in a venv
  without a C compiler).
- the README's test command (``python -m pytest``): ``.ci/run`` must run exactly that line.
- benchmark runs (``benchmarks/...``): they take minutes by design; the script must accept ``--help`` and
  pytest must collect the named benchmark files without error.
- ``hazardrules serve``: started in the background, it must answer ``/healthz`` and is then stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(bash|sh|shell|console)\s*$")
OK_CODES = {0, 1, 3}
COPIED = ("fixtures", "rulesets", "docs", "benchmarks")


def _blocks(path: Path):
    """Yield (first line number, [(line number, command), ...]) for each shell block of ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i].strip()):
            start, cmds = i + 1, []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                cmd = _strip_comment(lines[i]).strip()
                if cmd:
                    cmds.append((i + 1, cmd))
                i += 1
            if cmds:
                yield start, cmds
        i += 1


def _strip_comment(line: str) -> str:
    """Drop a trailing ``# comment``: a ``#`` that starts a word outside quotes."""
    quote = None
    for idx, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (idx == 0 or line[idx - 1].isspace()):
            return line[:idx]
    return line


def _cases():
    for doc in DOCS:
        for start, cmds in _blocks(doc):
            yield pytest.param(doc, cmds, id=f"{doc.relative_to(ROOT)}:{start}")


def _declared_extras() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(meta["project"].get("optional-dependencies", {}))


def _check_install(spec: str, where: str) -> None:
    """``pip install .[a,b]`` / ``-e '.[test]'``: every named extra must exist."""
    m = re.search(r"\.\[([^\]]*)\]", spec)
    if m:
        missing = {e.strip() for e in m.group(1).split(",")} - _declared_extras()
        assert not missing, f"{where}: pip installs undeclared extras {sorted(missing)}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_serve(cmd: str, cwd: Path, env: dict, where: str) -> None:
    """Start ``hazardrules serve …`` in the background, wait for /healthz, stop it."""
    argv = shlex.split(cmd)
    port = int(argv[argv.index("--port") + 1]) if "--port" in argv else 8000
    host = argv[argv.index("--host") + 1] if "--host" in argv else "127.0.0.1"
    if "--port" in argv:  # never collide with another test run: same command, a free port
        argv[argv.index("--port") + 1] = str(port := _free_port())
    else:
        argv += ["--port", str(port := _free_port())]
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read().decode("utf-8", "replace")
                pytest.fail(f"{where}: `{cmd}` exited {proc.returncode} before answering:\n{out}")
            try:
                with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200, f"{where}: /healthz answered {resp.status}"
                    return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"{where}: `{cmd}` did not answer /healthz within 60 s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _benchmark_smoke(cmd: str, cwd: Path, env: dict, where: str) -> None:
    argv = shlex.split(cmd)
    if argv[:3] == ["python", "-m", "pytest"]:
        files = [a for a in argv[3:] if a.startswith("benchmarks")]
        assert files, f"{where}: no benchmark path in `{cmd}`"
        run = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files]
    else:
        script = next(a for a in argv if a.startswith("benchmarks/"))
        run = [sys.executable, script, "--help"]
    proc = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{where}: `{' '.join(run)}` exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"


def _scratch(tmp_path: Path) -> Path:
    for name in COPIED:
        shutil.copytree(ROOT / name, tmp_path / name, symlinks=False)
    return tmp_path


def _env() -> dict:
    env = dict(os.environ)
    src = str(ROOT / "src")  # the code under test, also when run from a worktree or a fresh clone
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("HAZARDRULES_RULES", None)
    env.pop("HAZARDRULES_DB", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.setdefault("HOME", str(Path.home()))
    return env


@pytest.mark.parametrize(("doc", "cmds"), list(_cases()))
def test_documented_commands_run(doc: Path, cmds, tmp_path):
    cwd, env = _scratch(tmp_path), _env()
    env["XDG_CACHE_HOME"] = str(tmp_path / ".cache")
    script, shelled, plain = [], [], []
    for lineno, cmd in cmds:
        where = f"{doc.relative_to(ROOT)}:{lineno}"
        # ``pip install X && CMD`` or ``(pip install X || pip install Y) && CMD`` (the extra where it builds)
        install = re.match(r"^\(?pip install (.+?)(?: \|\| pip install ([^)]+)\))? && (.+)$", cmd)
        if install:
            _check_install(install.group(1), where)
            if install.group(2):
                _check_install(install.group(2), where)
            cmd = install.group(3)
        if cmd.startswith("python -m pytest") and "benchmarks" not in cmd:
            if cmd == "python -m pytest":  # the README's test command: CI runs exactly it
                ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
                assert cmd in ci, f"{where}: `.ci/run` does not run `{cmd}`"
            else:  # a narrowed run shown to contributors: it must at least collect
                run = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
                proc = subprocess.run(run + shlex.split(cmd)[3:], cwd=ROOT, env=env, capture_output=True,
                                      text=True, timeout=300)
                assert proc.returncode == 0, f"{where}: `{cmd}` does not collect:\n{proc.stdout}\n{proc.stderr}"
            continue
        if "benchmarks/" in cmd:
            _benchmark_smoke(cmd, cwd, env, where)
            continue
        if cmd.startswith("hazardrules serve"):
            plain.append((where, cmd))
            continue
        script.append(f"{cmd}\necho \"@@rc {lineno} $?\" >&2")
        shelled.append(lineno)
    if script:
        proc = subprocess.run(
            ["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
            stdin=subprocess.DEVNULL,
        )
        codes = {int(m.group(1)): int(m.group(2)) for m in re.finditer(r"@@rc (\d+) (\d+)", proc.stderr)}
        output = proc.stdout + proc.stderr
        assert "Traceback (most recent call last)" not in output, f"{doc.name}: traceback:\n{output[-4000:]}"
        text = dict(cmds)
        for lineno in shelled:
            assert lineno in codes, f"{doc.relative_to(ROOT)}:{lineno}: `{text[lineno]}` did not run\n{output[-4000:]}"
            assert codes[lineno] in OK_CODES, (
                f"{doc.relative_to(ROOT)}:{lineno}: `{text[lineno]}` exited {codes[lineno]}\n{output[-4000:]}"
            )
    for where, cmd in plain:
        _run_serve(cmd, cwd, env, where)


def test_every_doc_has_been_scanned():
    """GIVEN the README WHEN blocks are collected THEN its two first commands are among them (the parser
    cannot silently find nothing)."""
    first = next(_blocks(ROOT / "README.md"))[1]
    assert first[0][1].startswith(("pip install ", "(pip install ")) and "hazardrules check" in first[0][1]
