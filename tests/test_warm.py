"""Warm processes (ta1sepsis.pipeline.warm): a kernel or a renderer forked from a process that has
imported the libraries is the same process a cold start would give, only sooner.

The end-to-end tests use a temporary folder of their own (TMPDIR), so they start, use and stop
their own server and never touch one a make run is using.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ta1sepsis.pipeline import warm
from ta1sepsis.pipeline.render import KERNEL, _kernel_manager_class

ROOT = Path(__file__).resolve().parents[1]


def test_the_libraries_to_import_are_read_from_the_package_source(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(
        "import json\n"
        "import numpy as np\n"
        "from scipy import stats, optimize\n"
        "from . import b\n"
        "from ta1sepsis.stats import tsa\n"
        "def f():\n"
        "    import pandas.api\n",
        encoding="utf-8",
    )
    (package / "b.py").write_text("import os, yaml\ndef broken(:\n", encoding="utf-8")
    (package / "c.py").write_text("from collections import abc\nimport seaborn\n", "utf-8")
    # json, os and collections are the standard library; '.' and ta1sepsis are the package;
    # b.py does not parse (skipped); names imported from a module are tried as submodules
    assert warm.third_party_imports(package) == [
        "numpy",
        "pandas.api",
        "scipy",
        "scipy.optimize?",
        "scipy.stats?",
        "seaborn",
    ]


def test_only_the_usual_kernel_command_is_launched_warm(monkeypatch):
    usual = [sys.executable, "-m", "ipykernel_launcher", "-f", "/tmp/kernel-1.json"]
    monkeypatch.delenv(warm.SWITCH_ENV, raising=False)
    assert warm.launch_command(usual) == [
        sys.executable,
        "-m",
        "ta1sepsis.pipeline.warm",
        "launch",
        "--",
        *usual,
    ]
    for other in (
        ["/usr/bin/python3.9", *usual[1:]],  # another interpreter
        [sys.executable, "-m", "other_kernel", "-f", "/tmp/kernel-1.json"],
        [*usual, "--debug"],
    ):
        assert warm.launch_command(other) == other
    monkeypatch.setenv(warm.SWITCH_ENV, "0")
    assert warm.launch_command(usual) == usual


def test_a_server_serves_only_its_own_import_time_environment():
    base = {"HOME": "/root", "PATH": "/usr/bin"}
    key = warm.server_key(base)
    # read when a library is imported: another server
    for name, value in [("MPLBACKEND", "agg"), ("OMP_NUM_THREADS", "1"), ("PYTHONHASHSEED", "0")]:
        assert warm.server_key({**base, name: value}) != key, name
    # not read on import (PYTHONPATH: the child takes the caller's sys.path): the same server
    for name, value in [("PYTHONPATH", "/elsewhere/src"), ("TA1_OUTPUT_DIR", "/x"), ("Z", "1")]:
        assert warm.server_key({**base, name: value}) == key, name
    assert len(key) == 16 and int(key, 16) >= 0


def _start(env: dict, cwd: Path):
    km = _kernel_manager_class()(kernel_name=KERNEL)
    km.start_kernel(cwd=str(cwd), env=env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def _ask(kc, code: str) -> dict:
    """Run ``code`` (which prints one JSON line) in the kernel; the printed value."""
    out = []
    reply = kc.execute_interactive(
        code,
        timeout=60,
        output_hook=lambda m: (
            out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None
        ),
    )
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(out))


PROBE = (
    "import json, os, sys\n"
    "print(json.dumps({'pid': os.getpid(), 'ppid': os.getppid(), 'cwd': os.getcwd(),"
    " 'path': sys.path, 'env': dict(os.environ), 'numpy': 'numpy' in sys.modules,"
    " 'package': sorted(m for m in sys.modules if m.startswith('ta1sepsis'))}))"
)
FIGURE = (
    "import matplotlib, matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(1, 1)); ax.plot([0, 1])\n"
    "plt.show()\n"
    "print(json.dumps({'backend': matplotlib.get_backend()}))"
)


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.pipeline
def test_a_warm_kernel_is_a_fresh_kernel_started_sooner(tmp_path):
    """The first kernel starts cold and starts the server; the next is forked from it: same
    working directory, environment, sys.path and inline figures as the cold one, no module of
    the package, the libraries already imported; Ctrl-C interrupts it, and shutting it down
    kills it; ``stop`` stops the server."""
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"w{os.getpid()}"  # short: socket paths
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k != warm.SWITCH_ENV}
    env.update(TMPDIR=str(scratch), TA1_WARM_PROBE="yes", PYTHONPATH=str(ROOT / "src"))
    folder = scratch / f"ta1sepsis-warm-{os.getuid()}"
    key = warm.server_key(env)
    pid_file = folder / f"{key}.pid"
    try:
        km, kc = _start(env, tmp_path)
        try:
            cold = _ask(kc, PROBE)
            cold_figure = _ask(kc, FIGURE)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        assert cold["ppid"] == os.getpid()  # started by this process, the usual way
        _wait_for(lambda: (folder / f"{key}.sock").exists(), 90, "the server's socket")
        server = int(pid_file.read_text())

        km, kc = _start(env, tmp_path)
        try:
            hot = _ask(kc, PROBE)
            assert hot["ppid"] == server and hot["pid"] != server  # a fork of the server
            assert hot["numpy"] and not cold["numpy"]  # imported before the first cell
            assert hot["package"] == cold["package"] == []  # the project's code: imported fresh
            for name in ("cwd", "path", "env"):
                assert hot[name] == cold[name], name
            assert hot["env"]["TA1_WARM_PROBE"] == "yes"
            assert _ask(kc, FIGURE) == cold_figure == {"backend": warm.INLINE_BACKEND}

            kc.execute("import time; time.sleep(60)")
            time.sleep(0.5)
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=20)
            while reply["parent_header"].get("msg_type") != "execute_request":
                reply = kc.get_shell_msg(timeout=20)
            assert reply["content"]["ename"] == "KeyboardInterrupt"
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        _wait_for(lambda: _gone(hot["pid"]), 20, "the killed kernel to exit")
        log = (folder / f"{key}.log").read_text(encoding="utf-8")
        assert f"forked kernel (pid {hot['pid']})" in log
    finally:
        if folder.is_dir():
            warm.stop(folder)
    _wait_for(lambda: not pid_file.exists(), 20, "the server to stop")
    _wait_for(lambda: not list(folder.glob(f"{key}.*")), 5, "its files to go")  # none left
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.pipeline
def test_a_warm_run_passes_arguments_streams_and_exit_status(tmp_path):
    """``warm run MODULE ARGS`` is ``python -m MODULE ARGS``: the renderer's error for a
    notebook that does not exist, on stderr, with its exit status 1, warm or cold."""
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"r{os.getpid()}"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k != warm.SWITCH_ENV}
    env.update(TMPDIR=str(scratch), PYTHONPATH=str(ROOT / "src"), TA1_ROOT=str(ROOT))
    folder = scratch / f"ta1sepsis-warm-{os.getuid()}"
    command = [sys.executable, "-m", "ta1sepsis.pipeline.warm", "run"]
    command += ["ta1sepsis.pipeline.render", "no_such_notebook"]
    socket = folder / f"{warm.server_key({**env, warm.SWITCH_ENV: '1'})}.sock"
    try:
        results = []
        for switch in ("0", "1", "1"):  # off; on, no server yet (it starts one); warm
            if len(results) == 2:  # the second started one: wait until it is ready
                ready = subprocess.run(
                    [sys.executable, "-m", "ta1sepsis.pipeline.warm", "start"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                assert (ready.returncode, ready.stdout) == (0, "[warm] ready\n")
                assert socket.exists()
            results.append(
                subprocess.run(
                    command,
                    env={**env, warm.SWITCH_ENV: switch},
                    cwd=tmp_path,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
            )
        for result in results:
            assert result.returncode == 1
            assert result.stdout == ""
            assert result.stderr == "[render] FAILED notebooks/no_such_notebook.py not found\n"
        log = socket.with_suffix(".log").read_text(encoding="utf-8")
        assert log.count("forked ta1sepsis.pipeline.render") == 1  # the last one ran warm
    finally:
        if folder.is_dir():
            warm.stop(folder)
        shutil.rmtree(scratch, ignore_errors=True)


def test_no_server_is_started_where_it_cannot_work(tmp_path, monkeypatch):
    """A socket path too long for a Unix socket: cold, and no server started; a server started
    less than a minute ago that has no socket (starting, or failed): cold, and not another."""
    import tempfile

    base = Path(tempfile.gettempdir())
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    assert warm._connect() is None
    assert not list(warm.server_folder().iterdir())  # no log, lock or socket: nothing started

    short = base / f"n{os.getpid()}"
    short.mkdir()
    try:
        monkeypatch.setenv("TMPDIR", str(short))
        monkeypatch.setattr(tempfile, "tempdir", str(short))
        log = warm.server_folder() / f"{warm.server_key()}.log"
        assert len(os.fsencode(log.with_suffix(".sock"))) <= warm.SOCKET_PATH_MAX
        log.write_text("[warm] a server that failed to import\n", encoding="utf-8")
        assert warm._connect() is None
        time.sleep(0.5)  # a server started now would have truncated its log
        assert log.read_text(encoding="utf-8") == "[warm] a server that failed to import\n"
        assert sorted(p.suffix for p in log.parent.iterdir()) == [".log"]
    finally:
        shutil.rmtree(short, ignore_errors=True)
