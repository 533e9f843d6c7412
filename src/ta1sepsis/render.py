"""Render one notebook: ``python -m ta1sepsis.render NN_topic``.

1. Validate ``params/NN_topic.yaml`` and every data file it names (no cell runs if a parameter
   or a data row is wrong; the message names the file, line and column or the parameter).
2. Convert the jupytext source ``notebooks/NN_topic.py`` and execute it with papermill in a
   fresh kernel, in the project root, with outputs (figures, tables, results) redirected to a
   staging folder.
3. Only if every cell succeeded: strip volatile metadata (timings, random cell ids) so the
   notebook is byte-identical across runs, move the staged outputs into ``figures/``,
   ``tables/`` and ``results/`` (removing outputs of this notebook that it no longer makes),
   and replace ``notebooks/NN_topic.ipynb`` last.

A failed run leaves every previous output untouched; the failing cell and its traceback are
written to ``build/failed/NN_topic.log`` and the exit status is non-zero.

Run time: the kernel is started as soon as the parameters are valid, so that it boots on the
second core while this process imports pandas and papermill, checks the data and prepares the
notebook (about 0.6 s a notebook); if the data are malformed it is shut down before any cell
runs. Papermill keeps the notebook in memory (no rewrite after every cell) and the kernel is shut
down immediately at the end; ``make bench`` measures what remains.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from jupyter_client.manager import KernelManager
from traitlets import Unicode, default

from .outputs import OUTPUT_ENV, OUTPUT_KINDS, project_root
from .parameters import ParameterError, load_parameters

KERNEL = "python3"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class LocalKernelManager(KernelManager):
    """Kernel over local IPC sockets: nothing listens on a network port, and ipykernel has no
    reason to warn about unencrypted TCP on every run. The socket path stays short (under
    /tmp), as Unix sockets require."""

    transport = Unicode("ipc")

    @default("ip")
    def _ip_default(self):
        return os.path.join(tempfile.gettempdir(), f"ta1sepsis-{os.getpid()}-kernel")


@contextmanager
def _started_kernel(cwd: Path):
    """A kernel started now and handed to papermill later; shut down, with the channels of every
    client it gave out, on leaving (nbclient leaves a kernel it did not start running)."""
    clients = []

    class Manager(LocalKernelManager):
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
        km.shutdown_kernel(now=True)


class RenderError(RuntimeError):
    """Rendering failed; previous outputs were left untouched."""


def _clean_notebook(nb, parameters: dict):
    """Remove everything that changes from run to run."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["ta1sepsis"] = {"parameters": parameters}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _staged(staging: Path, kind: str) -> list[Path]:
    folder = staging / kind
    return sorted(folder.glob("*")) if folder.is_dir() else []


def _install_outputs(name: str, staging: Path, root: Path) -> dict[str, int]:
    """Move staged outputs into place; remove this notebook's outputs it no longer makes."""
    for kind in OUTPUT_KINDS:
        for path in _staged(staging, kind):
            if not path.name.startswith(name):
                raise RenderError(
                    f"{name} wrote {kind}/{path.name}; output names must start with '{name}'"
                )
    if not (staging / "results" / f"{name}.json").is_file():
        raise RenderError(f"{name} did not write results/{name}.json (call Results.write())")
    counts = {}
    for kind in OUTPUT_KINDS:
        target = root / kind
        target.mkdir(exist_ok=True)
        staged = _staged(staging, kind)
        for path in staged:
            os.replace(path, target / path.name)
        kept = {path.name for path in staged}
        for old in sorted(target.glob(f"{name}*")):
            if old.name not in kept and old.is_file():
                old.unlink()
        counts[kind] = len(staged)
    return counts


def _execute(name: str, root: Path, staging: Path, parameters: dict, km: KernelManager):
    """Run the notebook in the fresh kernel ``km``; return the executed notebook node."""
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = jupytext.read(root / "notebooks" / f"{name}.py")
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL,
    }
    staged_input = staging / "input.ipynb"
    nbformat.write(notebook, staged_input)
    try:
        # output_path=None: papermill keeps the notebook in memory instead of rewriting it
        # after every cell; the rendered notebook is written once, by render().
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
        failed = root / "build" / "failed"
        failed.mkdir(parents=True, exist_ok=True)
        trace = ANSI.sub("", "\n".join(error.traceback or []))
        (failed / f"{name}.log").write_text(
            f"cell source:\n{error.source}\n\n{trace}\n", encoding="utf-8"
        )
        raise RenderError(
            f"{name}: cell {error.exec_count} raised {error.ename}: {error.evalue}\n"
            f"  previous outputs are untouched; the traceback is in build/failed/{name}.log"
        ) from None


def render(name: str, root: Path | None = None) -> dict[str, int]:
    """Execute ``notebooks/<name>.py`` and install its outputs; see the module docstring."""
    root = root or project_root()
    if not (root / "notebooks" / f"{name}.py").is_file():
        raise RenderError(f"notebooks/{name}.py not found")
    parameters = load_parameters(name)
    (root / "build").mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"render-{name}-", dir=root / "build"))
    previous = os.environ.get(OUTPUT_ENV)
    os.environ[OUTPUT_ENV] = str(staging)  # inherited by the kernel
    try:
        with _started_kernel(root) as km:
            from .data import check_data_files

            check_data_files(parameters, root)  # malformed data stop the run before any cell
            executed = _clean_notebook(_execute(name, root, staging, parameters, km), parameters)
        import nbformat

        text = nbformat.writes(executed) + "\n"
        if str(staging) in text or str(root) in text:
            raise RenderError(
                f"{name}: an output shows a machine-specific path (a cell probably ends in a "
                "call that returns one); the rendering would not be reproducible"
            )
        counts = _install_outputs(name, staging, root)
        _atomic_write_text(root / "notebooks" / f"{name}.ipynb", text)
        return counts
    finally:
        if previous is None:
            os.environ.pop(OUTPUT_ENV, None)
        else:
            os.environ[OUTPUT_ENV] = previous
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", help="notebook names such as 02_etass")
    args = parser.parse_args(argv)
    for name in args.notebooks:
        start = time.perf_counter()
        print(f"[render] {name}: executing notebooks/{name}.py", flush=True)
        try:
            counts = render(name)
        except Exception as error:
            from .data import DataError  # imported by render() by now; pandas is slow to import

            if not isinstance(error, RenderError | ParameterError | DataError):
                raise
            print(f"[render] FAILED {error}", file=sys.stderr, flush=True)
            return 1
        made = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        elapsed = time.perf_counter() - start
        print(f"[render] {name}: done in {elapsed:.1f} s ({made})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
