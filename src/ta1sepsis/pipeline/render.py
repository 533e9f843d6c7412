"""Render one notebook: ``python -m ta1sepsis.pipeline.render NN_topic``.

0. Unless parameters are set on the command line, ask whether the rendering is current in
   content (:func:`current`): Make starts it because an input is newer, but the input may be the
   same where this notebook reads it (the rows of the trials file it asked for, the keys of
   another notebook's results it read: ``build/inputs/``). Then nothing runs; the notebook's time
   stamp is moved forward and one line says so.
1. Validate the parameters (``params/NN_topic.yaml`` against ``params/NN_topic.schema.json``,
   with the shared ones from ``params/shared.yaml``) and every data file they name: no cell runs
   if a parameter or a data row is wrong; the message names the file, line and column or the
   parameter.
2. Convert the jupytext source ``notebooks/NN_topic.py`` and execute it with papermill in a fresh
   kernel, in the project root, with outputs (figures, tables, results) redirected to a staging
   folder.
3. Only if every cell succeeded: strip volatile metadata (timings, random cell ids, machine paths
   in warnings) so the notebook is byte-identical across runs and machines, record the list of its
   outputs in the notebook's metadata (``ta1sepsis.outputs``), and install everything as one
   transaction (:func:`install`): outputs whose bytes did not change are left alone (file and
   mtime), changed ones replace the old, outputs the notebook no longer makes are removed, and
   ``notebooks/NN_topic.ipynb`` is written last, always (its mtime tells Make the notebook ran
   with the current inputs); then the hashes of what it read are recorded
   (:func:`ta1sepsis.pipeline.deps.record_inputs`). If any step fails, or the process is killed
   part-way, the previous set of outputs is restored (now, or at the start of the next
   rendering).

A failed run leaves every previous output untouched; the failing cell and its traceback are
written to ``build/failed/NN_topic.log`` and the exit status is non-zero. Ctrl-C prints one line
and leaves the outputs as they were.

Templates: ``python -m ta1sepsis.pipeline.render trial_report --instance etass [--set name=value ...]``
renders ``notebooks/trial_report.py`` with the template's defaults (``params/trial_report.yaml``),
then the instance's entry in the file named by the schema's ``x-instances`` (``params/trials.yaml``)
and then ``--set`` values, into ``notebooks/trials/etass.ipynb``; its outputs must be named
``figures/trials/etass_*.png``, ``tables/trials/etass_*.csv`` and ``results/trials/etass.json``
(the notebook gets the prefix ``trials/etass`` from :func:`ta1sepsis.report.outputs.output_prefix`).

Run time: the kernel is started as soon as the parameters are valid, so that it boots on the
second core while this process imports pandas and papermill, checks the data and prepares the
notebook; if the data are malformed it is shut down before any cell runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import site
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ta1sepsis.data.fingerprints import staged_rows_file
from ta1sepsis.paths import project_root
from ta1sepsis.pipeline.parameters import ParameterError, load_parameters, load_schema
from ta1sepsis.report.outputs import OUTPUT_ENV, OUTPUT_KINDS, PREFIX_ENV
from ta1sepsis.report.results import READS_FILE

KERNEL = "python3"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DEFAULT_INSTANCE_FOLDER = "trials"


class RenderError(RuntimeError):
    """Rendering failed; previous outputs were left untouched."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT) or SIGTERM while rendering."""


# --------------------------------------------------------------------------------- targets


class Target:
    """What one rendering produces: a notebook's, or a template instance's, names and paths.

    ``prefix`` is the name every output starts with (``02_etass``, ``trials/etass``);
    ``notebook`` the rendered notebook relative to the root."""

    def __init__(self, name: str, instance: str | None = None, folder: str | None = None):
        self.name, self.instance = name, instance
        if instance is None:
            self.prefix = name
            self.notebook = f"notebooks/{name}.ipynb"
        else:
            folder = folder or DEFAULT_INSTANCE_FOLDER
            self.prefix = f"{folder}/{instance}"
            self.notebook = f"notebooks/{folder}/{instance}.ipynb"
        self.label = name if instance is None else f"{name}[{instance}]"
        self.key = self.prefix.replace("/", "__")  # a file name for build/ bookkeeping

    def owns(self, relative: str) -> bool:
        """Whether ``figures/...``, ``tables/...`` or ``results/...`` belongs to this target."""
        kind, _, rest = relative.partition("/")
        folder, _, stem = self.prefix.rpartition("/")
        if kind not in OUTPUT_KINDS or Path(rest).parent != Path(folder):
            return False
        base = Path(rest).name
        return base.startswith(f"{stem}_") or base == f"{stem}.json" and kind == "results"

    def existing_outputs(self, root: Path) -> set[str]:
        """This target's outputs now in the project, found by name."""
        folder, _, stem = self.prefix.rpartition("/")
        found = set()
        for kind in OUTPUT_KINDS:
            directory = root / kind / folder
            if directory.is_dir():
                for path in directory.glob(f"{stem}[_.]*"):
                    relative = path.relative_to(root).as_posix()
                    if path.is_file() and self.owns(relative):
                        found.add(relative)
        return found


# ---------------------------------------------------------------------------------- kernel


def _ready_client_class():
    from queue import Empty

    from jupyter_client.blocking import BlockingKernelClient

    class ReadyClient(BlockingKernelClient):
        """A client that knows the kernel is ready as soon as it is: jupyter_client's
        ``wait_for_ready`` ends by waiting until IOPub has been quiet for 0.2 s, on every kernel
        start; this one waits for the idle status of its ``kernel_info`` request, the last
        message the request causes (which also shows that IOPub is connected). nbclient reads
        only the messages of the cell it runs, so nothing earlier can reach a notebook."""

        def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (60.0 if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                try:
                    reply = self.get_shell_msg(timeout=1)
                except Empty:
                    reply = None
                if (
                    reply is not None
                    and reply["msg_type"] == "kernel_info_reply"
                    and reply["parent_header"].get("msg_id") == msg_id
                    and self._idle_after(msg_id, 0.1)
                ):
                    self._handle_kernel_info_reply(reply)
                    return
                if not self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        def _idle_after(self, msg_id: str, seconds: float) -> bool:
            end = time.monotonic() + seconds
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = self.get_iopub_msg(timeout=left)
                except Empty:
                    return False  # IOPub not connected yet: ask again
                if (
                    msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_id") == msg_id
                ):
                    return True
            return False

    return ReadyClient


def _kernel_manager_class():
    from jupyter_client.manager import KernelManager
    from traitlets import Unicode, default

    class LocalKernelManager(KernelManager):
        """Kernel over local IPC sockets: nothing listens on a network port, and ipykernel has
        no reason to warn about unencrypted TCP on every run. The socket path stays short (under
        /tmp), as Unix sockets require."""

        transport = Unicode("ipc")

        @default("ip")
        def _ip_default(self):
            return os.path.join(tempfile.gettempdir(), f"ta1sepsis-{os.getpid()}-kernel")

        @default("client_factory")
        def _client_factory_default(self):
            return _ready_client_class()

        def format_kernel_cmd(self, extra_arguments=None):
            """The usual command, launched as a fork of a warm server when it can be
            (:mod:`ta1sepsis.pipeline.warm`)."""
            from ta1sepsis.pipeline.warm import launch_command

            return launch_command(super().format_kernel_cmd(extra_arguments))

    return LocalKernelManager


def local_kernel_ip() -> str:
    """The IPC socket path prefix a kernel of this process uses."""
    return os.path.join(tempfile.gettempdir(), f"ta1sepsis-{os.getpid()}-kernel")


@contextmanager
def _started_kernel(cwd: Path):
    """A kernel started now and handed to papermill later; shut down, with the channels of every
    client it gave out, on leaving (nbclient leaves a kernel it did not start running)."""
    clients = []

    class Manager(_kernel_manager_class()):
        def client(self, **kwargs):
            clients.append(super().client(**kwargs))
            return clients[-1]

    km = Manager(kernel_name=KERNEL)
    km.start_kernel(cwd=str(cwd))
    try:
        yield km
    finally:
        for kc in clients:
            kc.stop_channels()
        # what shutdown_kernel(now=True) does, without waiting for the process to be gone
        # (jupyter_client polls every 0.1 s): the notebook has run, nothing more comes from it
        if km.has_kernel:
            km.signal_kernel(signal.SIGKILL)
        km.cleanup_resources()


# ------------------------------------------------------------------------ notebook clean-up


def _portable_prefixes(root: Path) -> list[tuple[str, str]]:
    """Machine-specific path prefixes and what they become in committed outputs."""
    pairs = [(p, "") for p in site.getsitepackages() + [site.getusersitepackages()]]
    pairs += [(str(root), ""), (sys.prefix, "<python>"), (sys.base_prefix, "<python>")]
    pairs.append((os.path.expanduser("~"), "~"))
    return sorted(
        {(p.rstrip("/") + "/", r) for p, r in pairs if p and p != "/"}, key=lambda x: -len(x[0])
    )


def _portable(text: str, root: Path) -> str:
    """Warnings print where they were raised (an absolute path): make that machine-independent.

    ``/.../site-packages/matplotlib/x.py:5: UserWarning`` becomes ``matplotlib/x.py:5:
    UserWarning``; a cell's own file (``/tmp/ipykernel_123/456.py``) becomes ``<cell>``."""
    text = re.sub(re.escape(tempfile.gettempdir()) + r"/ipykernel_\d+/\d+\.py", "<cell>", text)
    for prefix, replacement in _portable_prefixes(root):
        text = text.replace(prefix, replacement + ("/" if replacement else ""))
    return text


def _clean_notebook(
    nb, parameters: dict, outputs: list[str], target: Target, root: Path, reads: dict
):
    """Remove everything that changes from run to run or machine to machine; record the
    parameters, the outputs and the results keys the notebook read."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    meta = {"parameters": parameters, "outputs": outputs}
    if reads:
        meta["reads"] = reads
    if target.instance is not None:
        meta.update(template=target.name, instance=target.instance)
    nb.metadata["ta1sepsis"] = meta
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["text"] = _portable(output["text"], root)
    return nb


def _leaked_path(text: str, staging: Path, root: Path) -> str | None:
    """A temporary or project path still in the notebook (a cell echoed one): not portable."""
    for path in (str(staging), str(root)):
        if re.search(re.escape(path) + r"(?![\w.-])", text):
            return path
    return None


# ----------------------------------------------------------------------------- installation


def _same_bytes(a: Path, b: Path) -> bool:
    return (
        a.is_file()
        and b.is_file()
        and a.stat().st_size == b.stat().st_size
        and (a.read_bytes() == b.read_bytes())
    )


def _journal(root: Path, target: Target) -> Path:
    return root / "build" / "install" / target.key


def recover_installation(root: Path, target: Target) -> bool:
    """Finish or undo an installation that was killed part-way; True if there was one.

    An installation is committed once the notebook is in place (``committed`` is then written):
    the leftover backups are just removed. Otherwise every replaced or removed output is put back
    from its backup and every new one removed, so the previous set is whole again."""
    journal = _journal(root, target)
    if not journal.is_dir():
        return False
    plan_file = journal / "plan.json"
    if not (journal / "committed").exists() and plan_file.is_file():
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
        for relative in plan["created"]:
            (root / relative).unlink(missing_ok=True)
        for relative in plan["backed_up"]:
            backup = journal / "backup" / relative
            if backup.is_file():
                os.replace(backup, root / relative)
    shutil.rmtree(journal, ignore_errors=True)
    return True


def _backup(source: Path, backup: Path) -> None:
    backup.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, backup)
    except OSError:
        shutil.copy2(source, backup)


def install(root: Path, target: Target, staged: dict[str, Path], notebook_text: str) -> dict:
    """Install a rendering's outputs and notebook as one transaction.

    Parameters
    ----------
    root : Path
        Project root.
    target : Target
        What is rendered.
    staged : dict of str to Path
        Output path relative to the root (``figures/02_etass_overview.png``) -> staged file.
    notebook_text : str
        The rendered notebook, written last.

    Returns
    -------
    dict
        ``written``, ``unchanged`` and ``removed`` output paths.

    Notes
    -----
    Outputs whose bytes are unchanged are not touched (same file, same mtime), so Make does not
    re-run notebooks that read them. Every file replaced or removed is first hard-linked into
    ``build/install/<target>/backup``; the plan is written before anything moves. Any exception
    (or a kill, see :func:`recover_installation`) restores the previous outputs. SIGINT and SIGTERM are held
    back while files move.
    """
    previous = target.existing_outputs(root)
    written = sorted(rel for rel, path in staged.items() if not _same_bytes(path, root / rel))
    unchanged = sorted(set(staged) - set(written))
    removed = sorted(previous - set(staged))
    notebook = root / target.notebook
    replaced = [rel for rel in written if (root / rel).exists()] + removed
    if notebook.exists():
        replaced.append(target.notebook)
    created = [rel for rel in written if not (root / rel).exists()]
    if not notebook.exists():
        created.append(target.notebook)

    journal = _journal(root, target)
    recover_installation(root, target)
    journal.mkdir(parents=True)
    plan = {"backed_up": replaced, "created": created}
    (journal / "plan.json").write_text(json.dumps(plan, indent=1), encoding="utf-8")
    blocked = {signal.SIGINT, signal.SIGTERM}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        for relative in replaced:
            _backup(root / relative, journal / "backup" / relative)
        tmp = notebook.with_name(f".{notebook.name}.tmp")
        notebook.parent.mkdir(parents=True, exist_ok=True)
        try:
            tmp.write_text(notebook_text, encoding="utf-8")
            for relative in written:
                (root / relative).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged[relative], root / relative)
            for relative in removed:
                (root / relative).unlink()
            os.replace(tmp, notebook)
        except BaseException as error:
            tmp.unlink(missing_ok=True)
            what = _os_words(error)
            try:
                recover_installation(root, target)
            except OSError as second:
                raise RenderError(
                    f"{target.label}: installing the outputs failed ({what}), and restoring the "
                    f"previous ones failed too ({_os_words(second)}); fix that, then run make "
                    f"all: it finishes the restore from {journal.relative_to(root)}"
                ) from None
            raise RenderError(
                f"{target.label}: installing the outputs failed ({what}); the previous outputs "
                "were restored"
            ) from error
        (journal / "committed").touch()
        shutil.rmtree(journal, ignore_errors=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    return {"written": written, "unchanged": unchanged, "removed": removed}


def _os_words(error: BaseException) -> str:
    """One line for an operating-system error: what, which file, and the fix."""
    import errno

    if not isinstance(error, OSError):
        return f"{type(error).__name__}: {error}"
    where = f" {error.filename}" if getattr(error, "filename", None) else ""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"no permission to write{where}: make it writable (chmod u+w) and run make all again"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full writing{where}: free some space and run make all again"
    return f"{error.strerror or error}{where}"


def _collect_staged(staging: Path, target: Target) -> dict[str, Path]:
    staged = {}
    for kind in OUTPUT_KINDS:
        folder = staging / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                continue
            relative = f"{kind}/{path.relative_to(folder).as_posix()}"
            if not target.owns(relative):
                stem = target.prefix
                raise RenderError(
                    f"{target.label} wrote {relative}; its output names must start with "
                    f"'{kind}/{stem}_' (results: '{kind}/{stem}.json')"
                )
            staged[relative] = path
    if f"results/{target.prefix}.json" not in staged:
        raise RenderError(
            f"{target.label} did not write results/{target.prefix}.json (call Results.write())"
        )
    return staged


# ------------------------------------------------------------------------------- execution


def _execute(source: Path, root: Path, staging: Path, parameters: dict, km, target: Target):
    """Run the notebook in the fresh kernel ``km``; return the executed notebook node."""
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL,
    }
    staged_input = staging / "input.ipynb"
    nbformat.write(notebook, staged_input)
    try:
        # output_path=None: papermill keeps the notebook in memory instead of rewriting it
        # after every cell; the rendered notebook is written once, by install().
        return papermill.execute_notebook(
            str(staged_input),
            None,
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
            km=km,
        )
    except PapermillExecutionError as error:
        if error.ename == "KeyboardInterrupt":
            raise Interrupted() from None
        failed = root / "build" / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        trace = ANSI.sub("", "\n".join(error.traceback or []))
        (failed / f"{target.key}.log").write_text(
            f"cell source:\n{error.source}\n\n{trace}\n", encoding="utf-8"
        )
        raise RenderError(
            f"{target.label}: cell {error.exec_count} raised {error.ename}: {error.evalue}\n"
            f"  previous outputs are untouched; the traceback is in build/failed/{target.key}.log"
        ) from None


def _staged_record(path: Path) -> dict:
    """A JSON record the kernel left in the staging folder (empty if it wrote none)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _file_tables(schema: dict) -> dict[str, str]:
    """Parameter -> data table schema name, for the parameters marked ``x-file``."""
    return {
        name: prop["x-file"]
        for name, prop in schema.get("properties", {}).items()
        if isinstance(prop.get("x-file"), str)
    }


def render(
    name: str,
    root: Path | None = None,
    *,
    instance: str | None = None,
    overrides: dict | None = None,
) -> dict:
    """Execute ``notebooks/<name>.py`` and install its outputs; see the module docstring.

    Parameters
    ----------
    name : str
        Notebook or template name.
    root : Path, optional
        Project root.
    instance : str, optional
        Template instance id (the rendering goes to ``notebooks/<folder>/<instance>.ipynb``).
    overrides : dict, optional
        Parameter values set last.

    Returns
    -------
    dict
        ``written``, ``unchanged`` and ``removed`` output paths (see :func:`install`).
    """
    root = root or project_root()
    source = root / "notebooks" / f"{name}.py"
    if not source.is_file():
        raise RenderError(f"notebooks/{name}.py not found")
    parameters = load_parameters(name, instance=instance, overrides=overrides, root=root)
    schema = load_schema(name, root)
    target = Target(name, instance, schema.get("x-output-folder"))
    recover_installation(root, target)  # a previous installation killed part-way
    (root / "build").mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"render-{target.key}-", dir=root / "build"))
    saved = {key: os.environ.get(key) for key in (OUTPUT_ENV, PREFIX_ENV)}
    os.environ[OUTPUT_ENV] = str(staging)  # inherited by the kernel
    os.environ[PREFIX_ENV] = target.prefix
    try:
        with _started_kernel(root) as km:
            from ta1sepsis.data.catalog import check_data_files

            # malformed data stop the run before any cell
            check_data_files(parameters, root, _file_tables(schema))
            executed = _execute(source, root, staging, parameters, km, target)
        staged = _collect_staged(staging, target)
        reads = _staged_record(staging / READS_FILE)
        rows = _staged_record(staged_rows_file(staging))
        import nbformat

        executed = _clean_notebook(executed, parameters, sorted(staged), target, root, reads)
        text = nbformat.writes(executed) + "\n"
        leaked = _leaked_path(text, staging, root)
        if leaked:
            raise RenderError(
                f"{target.label}: an output shows a machine-specific path ({leaked}; a cell "
                "probably ends in a call that returns one); the rendering would not be "
                "reproducible"
            )
        installed = install(root, target, staged, text)
        from ta1sepsis.pipeline.deps import write_deps

        write_deps(root, name, manifest={target.notebook: sorted(staged)})
        from ta1sepsis.pipeline.deps import record_inputs

        record_inputs(root, name, target.notebook, reads=reads, rows=rows)
        return installed
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------------------------------ main


def current(name: str, instance: str | None = None, root: Path | None = None) -> bool:
    """Whether the rendering of ``name`` (or of its ``instance``) is current in content
    (:func:`ta1sepsis.pipeline.deps.up_to_date`): then its time stamp is moved to now, so that
    Make sees it as made, and it is not run. Make starts a rendering when an input is newer; an
    input may be newer yet the same where this rendering reads it."""
    from ta1sepsis.pipeline.deps import up_to_date

    root = root or project_root()
    try:
        folder = load_schema(name, root).get("x-output-folder")
    except ParameterError:
        return False
    target = Target(name, instance, folder)
    if not up_to_date(root, target.notebook):
        return False
    os.utime(root / target.notebook)
    return True


def _on_signal(signum, frame):
    raise Interrupted()


def _parse_set(items: list[str]) -> dict:
    import yaml

    values = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise ParameterError(f"--set {item!r}: expected name=value")
        values[name.strip()] = yaml.safe_load(text)
    return values


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="notebook names such as 02_etass")
    parser.add_argument("--instance", help="render a template as this instance (e.g. etass)")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="override a parameter"
    )
    args = parser.parse_args(argv)
    if args.instance and len(args.notebooks) != 1:
        parser.error("--instance renders one template")
    label = args.notebooks[0]
    try:
        overrides = _parse_set(args.set)
        for name in args.notebooks:
            label = name if not args.instance else f"{name}[{args.instance}]"
            start = time.perf_counter()
            if not overrides and current(name, args.instance):
                print(f"[render] {label}: unchanged where it reads its inputs, not run", flush=True)
                continue
            done = render(name, instance=args.instance, overrides=overrides or None)
            elapsed = time.perf_counter() - start
            counts = {kind: 0 for kind in OUTPUT_KINDS}
            for relative in done["written"] + done["unchanged"]:
                counts[relative.split("/")[0]] += 1
            made = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            same = len(done["unchanged"])
            print(
                f"[render] {label}: done in {elapsed:.1f} s ({made}; {same} unchanged)",
                flush=True,
            )
    except KeyboardInterrupt:
        print(
            f"[render] {label}: interrupted; previous outputs are untouched",
            file=sys.stderr,
            flush=True,
        )
        # die of SIGINT, so that make (and a shell) know the run was interrupted
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    except OSError as error:
        print(f"[render] FAILED {label}: {_os_words(error)}", file=sys.stderr, flush=True)
        return 1
    except Exception as error:
        from ta1sepsis.data.loader import DataError

        if not isinstance(error, RenderError | ParameterError | DataError):
            raise
        print(f"[render] FAILED {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
