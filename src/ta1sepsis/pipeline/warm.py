"""Warm kernels: each rendering's kernel is a fresh fork of a process that has already imported
ipykernel and the libraries the package uses.

A cold kernel spends 1.5-2 s of every rendering starting Python, importing ipykernel and then, in
the notebook's first cell, numpy, pandas, scipy, statsmodels and matplotlib. A warm server does
that once; each kernel is then a ``fork`` of it, started as ipykernel would be started with the
usual command (``python -m ipykernel_launcher -f <connection file>``).

How it works:

* The renderer's kernel manager (:func:`ta1sepsis.pipeline.render._kernel_manager_class`)
  launches ``python -m ta1sepsis.pipeline.warm launch -- <the usual command>`` instead of the
  usual command (:func:`launch_command`).
* The launcher connects to the server for this environment, a Unix socket in
  ``<tmp>/ta1sepsis-warm-<uid>/`` (a folder only its owner can open; the server also checks the
  caller's user id). If there is none yet, it starts one in the background and replaces itself
  with the usual command: that kernel is cold, the following ones are warm.
* The server forks. The child takes the launcher's environment, working directory, umask,
  ``sys.path`` and standard streams (passed over the socket), forgets every module of this
  package (a rendering imports the package from its own project's sources, which may differ from
  the server's), reseeds numpy's global generator (``random`` reseeds itself after a fork) and
  runs ipykernel as the usual command would.
* The launcher stays as the kernel's stand-in for jupyter_client: it forwards signals (interrupt,
  terminate) to the kernel and exits with the kernel's exit status; if it is killed, the server
  kills the kernel.

What a warm kernel shares with the server is therefore only modules imported from the
environment's site-packages, never this package and nothing a notebook computed: the server runs
no notebook code. The server is keyed by the interpreter, the installed packages (the names and
modification times of the entries in site-packages), this file and the environment variables that
are read when a library is imported (``PYTHON*`` but ``PYTHONPATH``, ``MPL*``, thread counts,
locale, ...); any change gives a new server, and a launcher whose command or environment does not
fit (another kernel, ``MPLBACKEND`` set) starts the usual cold kernel. A server exits after
``TA1_WARM_IDLE`` seconds (default 900) without a request or a running kernel; ``python -m
ta1sepsis.pipeline.warm stop`` stops the servers of this user now. ``TA1_WARM_KERNELS=0`` turns
warm kernels off (every kernel starts cold).

The renderings are byte-identical either way; the test suite renders the collection with warm
kernels and checks it against the committed outputs, which were rendered the same way, and
``tests/test_warm.py`` compares a warm and a cold rendering.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import signal
import site
import socket
import struct
import sys
import time
from pathlib import Path

MODULE = __spec__.name if __spec__ is not None else __name__  # also when run with -m
PACKAGE = MODULE.split(".")[0]
SWITCH_ENV = "TA1_WARM_KERNELS"
IDLE_ENV = "TA1_WARM_IDLE"
IDLE_DEFAULT = 900.0
RESTART_AFTER = 60.0  # seconds after a server was started before another may be
SOCKET_PATH_MAX = 100  # bytes: Linux allows a Unix socket path of 107
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# environment variables a library may read when it is imported: a server serves only launchers
# whose values are its own (PYTHONPATH is not one: the child takes the launcher's sys.path)
IMPORT_TIME_PREFIXES = (
    "PYTHON",
    "MPL",
    "OMP_",
    "OPENBLAS",
    "MKL_",
    "NUMEXPR",
    "VECLIB",
    "COVERAGE",
    "LD_",
    "LC_",
    "LANG",
    "TZ",
    "TMPDIR",
    "JUPYTER",
    "IPYTHON",
    "SCIPY",
    "NUMPY",
    "PANDAS",
)
# never imported in the server: the inline backend registers itself with the kernel's shell when
# it is imported, so it must be imported in the child
NOT_PREIMPORTED = ("matplotlib_inline.backend_inline",)


# --------------------------------------------------------------------------------- shared


def enabled(env=None) -> bool:
    """Whether warm kernels are on (``TA1_WARM_KERNELS`` is not ``0``)."""
    return (env if env is not None else os.environ).get(SWITCH_ENV, "1").strip() != "0"


def _import_time_env(env) -> dict[str, str]:
    return {
        k: v
        for k, v in sorted(env.items())
        if k.startswith(IMPORT_TIME_PREFIXES) and k != "PYTHONPATH"
    }


def server_key(env=None) -> str:
    """The server for this interpreter, its installed packages, this file and the
    import-time environment (16 hex digits)."""
    env = os.environ if env is None else env
    digest = hashlib.sha256()
    digest.update(f"{sys.executable}\0{sys.version}\0".encode())
    digest.update(Path(__file__).read_bytes())
    for directory in sorted(set(site.getsitepackages())):
        try:
            entries = sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(directory))
        except OSError:
            continue
        digest.update(json.dumps([directory, entries]).encode())
    digest.update(json.dumps(_import_time_env(env)).encode())
    return digest.hexdigest()[:16]


def server_folder(tmp: Path | None = None) -> Path:
    """``<tmp>/ta1sepsis-warm-<uid>``, created private (mode 0700); ``tmp`` is this process's
    temporary folder unless given (that of a process run with another ``TMPDIR``)."""
    import tempfile

    folder = Path(tmp or tempfile.gettempdir()) / f"{PACKAGE}-warm-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid() or folder.stat().st_mode & 0o077:
        raise OSError(f"{folder} is not private to this user")
    return folder


def _is_usual_command(cmd: list[str]) -> bool:
    """``[this python, -m, ipykernel_launcher, -f, <file>]``, the kernel a fork can stand for."""
    return (
        len(cmd) == 5
        and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
        and cmd[3] == "-f"
    )


def launch_command(cmd: list[str]) -> list[str]:
    """The kernel command ``cmd`` to launch through a warm kernel, if warm kernels are on and
    ``cmd`` is the usual ipykernel command of this interpreter; else ``cmd`` unchanged."""
    if not enabled() or not _is_usual_command(cmd):
        return cmd
    return [sys.executable, "-m", MODULE, "launch", "--", *cmd]


class _Messages:
    """The JSON lines that arrive on a launcher's connection, one at a time: the server's
    ``{"pid": ...}``, then ``{"exit": status}`` from the child (or from the server, for a child
    killed by a signal); two may arrive in one read, and the child's may come first."""

    def __init__(self, conn: socket.socket):
        self.conn = conn
        self.buffer = b""

    def next(self, on_timeout=None) -> dict | None:
        """The next message; None at the end of the connection, or when ``on_timeout`` (called
        each time the connection's timeout passes) returns True."""
        while b"\n" not in self.buffer:
            try:
                chunk = self.conn.recv(4096)
            except TimeoutError:
                if on_timeout is not None and on_timeout():
                    return None
                continue
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


# ------------------------------------------------------------------------------- launcher


def _cold(cmd: list[str]):
    """Replace this process with the usual kernel command."""
    os.execv(cmd[0], cmd)


def _start_server(folder: Path, key: str) -> None:
    """Start the server for ``key`` in the background, unless one holds its lock (it is
    importing) or one was started less than a minute ago (it is starting, or it failed: its log
    says why; callers run cold meanwhile rather than start one failing server each)."""
    import fcntl
    import subprocess

    try:
        if time.time() - (folder / f"{key}.log").stat().st_mtime < RESTART_AFTER:
            return
    except FileNotFoundError:
        pass
    with open(folder / f"{key}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return  # a server is importing; this kernel starts cold
        fcntl.flock(lock, fcntl.LOCK_UN)
    with open(folder / f"{key}.log", "wb") as log:
        subprocess.Popen(
            [sys.executable, "-m", MODULE, "serve", key],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )


def _connect() -> socket.socket | None:
    """A connection to this environment's server; None if there is none (one is then started
    in the background for the next caller)."""
    try:
        folder = server_folder()
        key = server_key()
    except OSError:
        return None
    path = folder / f"{key}.sock"
    if len(os.fsencode(path)) > SOCKET_PATH_MAX:
        return None  # a Unix socket cannot have so long a name (TMPDIR is deep): run cold
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        try:
            _start_server(folder, key)
        except OSError:
            pass
        return None
    return conn


FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1)


class _HeldSignals:
    """Signals that arrive while the child is being forked are held, then forwarded to it (or,
    if there is no child, delivered to this process as they would have been): a Ctrl-C at that
    moment must not kill the caller and leave the child, which the server would then kill
    without letting it clean up, running."""

    def __init__(self):
        self.pending: list[int] = []
        self.saved = {signum: signal.signal(signum, self._hold) for signum in FORWARDED}

    def _hold(self, signum, frame):
        self.pending.append(signum)

    def release(self) -> None:
        """No child: the usual handlers back, and the held signals delivered."""
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)
        for signum in self.pending:
            os.kill(os.getpid(), signum)


def _fork_remote(request: dict) -> tuple[_Messages, int, int | None] | None:
    """Ask the server to fork a child for ``request`` with this process's working directory,
    environment, umask, ``sys.path`` and standard streams; the connection's messages, the
    child's pid and its exit status if it came first; None if there is no server or it refused
    the request (then no child was forked)."""
    conn = _connect()
    if conn is None:
        return None
    request = {
        **request,
        "cwd": os.getcwd(),
        "env": dict(os.environ),
        "path": list(sys.path),
        "umask": _umask(),
    }
    payload = json.dumps(request).encode()
    messages, status = _Messages(conn), None
    try:
        socket.send_fds(conn, [struct.pack("!I", len(payload))], [0, 1, 2])
        conn.sendall(payload)
        while (message := messages.next()) is not None:
            if "exit" in message:
                status = int(message["exit"])
            if "pid" in message:
                return messages, int(message["pid"]), status
    except (OSError, ValueError, TypeError):
        pass
    conn.close()  # the server closed the connection without forking
    return None


def _stand_in(
    messages: _Messages,
    pid: int,
    status: int | None,
    held: _HeldSignals,
    *,
    follow_parent: bool = False,
) -> int:
    """Forward signals to the forked child ``pid`` until it exits; its exit status (a child
    killed by a signal: this process dies of the same signal). ``status``: the child's exit
    status if it is already known. ``follow_parent``: if this process's parent exits first,
    kill the child and exit (a kernel does that when the process that started it is gone:
    ipykernel's parent poller cannot see it, its parent is the server)."""

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in FORWARDED:
        signal.signal(signum, forward)
    for signum in held.pending:
        forward(signum, None)
    parent = os.getppid()
    messages.conn.settimeout(1.0 if follow_parent else None)
    while status is None:
        message = messages.next(on_timeout=lambda: os.getppid() != parent)
        if message is None:  # the server went away, or the parent: leave no child behind
            forward(signal.SIGKILL, None)
            return 1
        if "exit" in message:
            status = int(message["exit"])
    messages.conn.close()
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code


def launch(cmd: list[str]) -> int:
    """Stand in for the kernel ``cmd``: ask the warm server to fork it, forward signals to it and
    return its exit status; run ``cmd`` itself (cold) when there is no server or it fits not."""
    if not enabled() or not _is_usual_command(cmd):
        _cold(cmd)
    held = _HeldSignals()
    forked = _fork_remote({"kind": "kernel", "args": cmd[3:]})
    if forked is None:
        held.release()
        _cold(cmd)
    return _stand_in(*forked, held, follow_parent=True)


def run(module: str, args: list[str]) -> int:
    """``python -m module args``, as a fork of the warm server when there is one (the module
    and its imports are its project's; the libraries are already imported), else in this
    process. Its exit status."""
    import runpy

    if enabled() and module.split(".")[0] == PACKAGE:
        held = _HeldSignals()
        forked = _fork_remote({"kind": "run", "module": module, "args": args})
        if forked is not None:
            return _stand_in(*forked, held)
        held.release()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------------- server


def third_party_imports(package_dir: Path) -> list[str]:
    """Every module the package's source imports (at module level or in a function) that is
    neither the package itself nor part of the standard library, sorted; a name imported from a
    module is listed as ``module.name?`` (a submodule, or nothing to import)."""
    names = set()
    for path in sorted(package_dir.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                # ``from scipy import stats``: the submodule, if it is one (tried on import)
                names.update(f"{node.module}.{alias.name}?" for alias in node.names)
    return sorted(
        n
        for n in names
        if n.split(".")[0] not in sys.stdlib_module_names and n.split(".")[0] != PACKAGE
    )


def _preimport() -> list[str]:
    """Import ipykernel and the package's libraries; the names that failed to import."""
    import importlib
    import importlib.util

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel sets it before any cell
    failed = []
    for name in [
        "ipykernel.kernelapp",
        "ipykernel.ipkernel",
        *third_party_imports(Path(__file__).resolve().parents[1]),
    ]:
        optional = name.endswith("?")
        name = name.rstrip("?")
        try:
            if optional:
                parent = sys.modules.get(name.rpartition(".")[0])
                if parent is None or not hasattr(parent, "__path__"):
                    continue
                if importlib.util.find_spec(name) is None:
                    continue
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a library that cannot be imported is only not warm
            if not optional:
                failed.append(name)
    for name in NOT_PREIMPORTED:
        sys.modules.pop(name, None)
    return failed


def serve(key: str) -> int:
    """Run the server for ``key`` until it has been idle for ``TA1_WARM_IDLE`` seconds."""
    import fcntl
    import gc
    import selectors
    import threading

    folder = server_folder()
    lock = open(folder / f"{key}.lock", "a")  # noqa: SIM115 - held for the server's life
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server for this key is running
    (folder / f"{key}.pid").write_text(f"{os.getpid()}\n")
    idle = float(os.environ.get(IDLE_ENV, IDLE_DEFAULT))
    started = time.perf_counter()
    failed = _preimport()
    if sys.path and sys.path[0] in ("", "/", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; the child takes the launcher's path anyway
    threads = threading.active_count()
    print(
        f"[warm] {time.strftime('%Y-%m-%d %H:%M:%S')} server {key} (pid {os.getpid()}) ready in "
        f"{time.perf_counter() - started:.1f} s; {len(sys.modules)} modules; threads {threads}"
        + (f"; not importable: {', '.join(failed)}" if failed else ""),
        flush=True,
    )
    if threads != 1:
        print("[warm] a library started a thread; not forking from this process", flush=True)
        return 1
    gc.collect()
    gc.freeze()
    path = folder / f"{key}.sock"
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(64)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stopping = []  # SIGTERM (``stop``): no new children; exit when the running ones are done
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # children (kernels and runs)
    last = time.monotonic()
    try:
        while True:
            if stopping and listener.fileno() >= 0:
                selector.unregister(listener)
                listener.close()
                path.unlink(missing_ok=True)
            if not kernels and (stopping or time.monotonic() - last > idle):
                break
            timeout = None if kernels else max(0.0, idle - (time.monotonic() - last)) + 0.01
            for event, _ in selector.select(timeout):
                if event.fileobj is listener:
                    last = time.monotonic()
                    _accept(listener, selector, kernels, (wake_r, wake_w))
                elif event.fileobj == wake_r:
                    while True:
                        try:
                            if not os.read(wake_r, 512):
                                break
                        except BlockingIOError:
                            break
                else:  # a launcher closed its end (it exited or was killed)
                    conn = event.fileobj
                    for pid, owner in list(kernels.items()):
                        if owner is conn:
                            _kill(pid)
                    selector.unregister(conn)
                    conn.close()
            _reap(kernels, selector)
            if kernels:
                last = time.monotonic()
    finally:
        if listener.fileno() >= 0:
            listener.close()
            path.unlink(missing_ok=True)
        for pid in kernels:
            _kill(pid)
        # a server that ran and exited leaves nothing behind (one that failed to start leaves
        # its log, which also keeps another from being started within the minute)
        for suffix in (".pid", ".log", ".lock"):
            (folder / f"{key}{suffix}").unlink(missing_ok=True)
        lock.close()
    return 0


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(kernels: dict, selector) -> None:
    """Collect the kernels that exited; tell their launchers the exit status."""
    while kernels:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        if conn is not None:
            try:
                conn.sendall(json.dumps({"exit": status}).encode() + b"\n")
            except OSError:
                pass
            try:
                selector.unregister(conn)
            except (KeyError, ValueError):
                pass
            conn.close()


def _accept(listener, selector, kernels: dict, pipes: tuple) -> None:
    """Take one request and fork its child (``pipes``: the server's wake-up pipe, which the
    child closes with the listener and the other children's connections)."""
    conn, _ = listener.accept()
    try:
        conn.settimeout(10)
        if hasattr(socket, "SO_PEERCRED"):  # Linux; elsewhere the private folder is the check
            size = struct.calcsize("3i")
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, size)
            if struct.unpack("3i", creds)[1] != os.getuid():
                raise PermissionError("another user")
        head, fds, _, _ = socket.recv_fds(conn, 4, 3)
        if len(head) != 4 or len(fds) != 3:
            raise ValueError("malformed request")
        size = struct.unpack("!I", head)[0]
        payload = b""
        while len(payload) < size:
            chunk = conn.recv(size - len(payload))
            if not chunk:
                raise ValueError("truncated request")
            payload += chunk
        request = json.loads(payload)
    except (OSError, ValueError) as error:
        print(f"[warm] refused a request: {error}", flush=True)
        conn.close()
        return
    pid = os.fork()
    if pid == 0:  # the child: a kernel or a run
        code = 1
        try:
            code = _child(request, fds, [listener, *kernels.values()], pipes, selector)
            # the caller learns the status now, not after the exit has torn down a process of
            # a few hundred megabytes (the server reports a death by a signal)
            conn.sendall(json.dumps({"exit": code << 8}).encode() + b"\n")
        finally:
            os._exit(code)
    for fd in fds:
        os.close(fd)
    what = request.get("module") or "kernel"
    print(f"[warm] {time.strftime('%H:%M:%S')} forked {what} (pid {pid})", flush=True)
    conn.settimeout(None)
    try:
        conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    except OSError:
        _kill(pid)
    kernels[pid] = conn
    selector.register(conn, 1)


def _child(request: dict, fds: list[int], sockets: list, pipes: tuple, selector) -> int:
    """In the forked child: become the process the caller stands for (``kind`` ``kernel``: the
    ipykernel of the usual command; ``run``: ``python -m module args``); its exit code."""
    import atexit
    import threading
    import traceback

    os.setsid()
    signal.set_wakeup_fd(-1)
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    selector.close()
    for item in sockets:
        item.close()
    for fd in pipes:
        os.close(fd)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    _standard_streams()
    # the server's objects stay frozen (gc.freeze): a collection in the child then never visits
    # them, so their memory pages stay shared instead of being copied into every child
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    path = list(request["path"])
    kernel = request.get("kind") == "kernel"
    if kernel and path and (path[0] == "" or Path(path[0]) == Path.cwd()):
        del path[0]  # as ipykernel_launcher does
    sys.path[:] = path
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    if "tempfile" in sys.modules:
        sys.modules["tempfile"].tempdir = None
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if not kernel and "MPLBACKEND" not in os.environ and "matplotlib" in sys.modules:
        # the server chose the kernel's inline backend; a plain process chooses its own
        mpl = sys.modules["matplotlib"]
        mpl.rcParams._set("backend", mpl.rcsetup._auto_backend_sentinel)
    code = 0
    try:
        if kernel:
            import ipykernel_launcher  # for its file name only; it runs nothing on import
            from ipykernel import kernelapp

            sys.argv = [ipykernel_launcher.__file__, *request["args"]]
            # the one setting ipykernel reads from the environment when it is imported (on
            # POSIX): the launching process, which the kernel is not the child of here
            if os.environ.get("JPY_PARENT_PID", "").isdigit():
                sys.argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
            kernelapp.launch_new_instance()
        else:
            import runpy

            sys.argv = [request["module"], *request["args"]]
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as error:
        if isinstance(error.code, int) or error.code is None:
            code = error.code or 0
        else:
            print(error.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - as the interpreter would: print and exit 1
        traceback.print_exc()
        code = 1
    try:
        threading._shutdown()
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001
        pass
    return code


def _standard_streams() -> None:
    """``sys.stdin``, ``sys.stdout`` and ``sys.stderr`` on the caller's streams (now file
    descriptors 0-2), buffered as Python buffers them at start-up (line by line on a terminal)."""
    encoding = sys.stdout.encoding if sys.stdout else "utf-8"
    sys.stdin = sys.__stdin__ = open(0, encoding=encoding, closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(  # noqa: SIM115
        1, "w", buffering=1 if os.isatty(1) else -1, encoding=encoding, closefd=False
    )
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        2, "w", buffering=1, encoding=encoding, errors="backslashreplace", closefd=False
    )


def start(timeout: float = 60.0) -> bool:
    """Start this environment's server unless one runs, and wait until it takes requests;
    whether it does within ``timeout`` seconds (``make bench`` measures warm loops from a
    ready server)."""
    folder = server_folder()
    key = server_key()
    path = folder / f"{key}.sock"
    if len(os.fsencode(path)) > SOCKET_PATH_MAX:
        return False
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        _start_server(folder, key)  # nothing if one is starting
        time.sleep(0.1)
    return True


def stop(folder: Path | None = None, key: str | None = None) -> int:
    """Stop every warm server of this user (in ``folder``, by default :func:`server_folder`),
    or only the one for ``key``; the number stopped. A server stops taking requests at once
    and exits when the processes it forked have exited."""
    import fcntl

    stopped = 0
    folder = folder or server_folder()
    for lock_path in sorted(folder.glob(f"{key or '*'}.lock")):
        with open(lock_path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(lock, fcntl.LOCK_UN)
                continue  # no server holds it
            except OSError:
                pass
        try:
            os.kill(int((folder / f"{lock_path.stem}.pid").read_text()), signal.SIGTERM)
            stopped += 1
        except (OSError, ValueError):
            pass
    return stopped


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["launch", "--"]:
        return launch(argv[2:])
    if argv[:1] == ["run"] and len(argv) >= 2:
        return run(argv[1], argv[2:])
    if argv[:1] == ["serve"] and len(argv) == 2:
        return serve(argv[1])
    if argv == ["start"]:
        ready = start()
        print("[warm] ready" if ready else "[warm] no warm process (see its log); runs are cold")
        return 0 if ready else 1
    if argv in (["stop"], ["stop", "--here"]):
        # --here: only this environment's (this interpreter, packages and settings)
        key = server_key() if argv[1:] else None
        print(f"[warm] stopped {stop(key=key)} server(s)")
        return 0
    print(
        "usage: python -m ta1sepsis.pipeline.warm start | stop [--here] | run MODULE [ARGS] | "
        "launch -- <kernel command> | serve KEY",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
