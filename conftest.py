"""Loaded by pytest before anything is collected (tests/ and the nbval notebooks alike).

nbval re-executes the committed notebooks; their figures, tables and results must not
overwrite the committed ones, so they go to a scratch folder (see ta1sepsis.report.outputs).
"""

import atexit
import os
import shutil
import tempfile

if "TA1_OUTPUT_DIR" not in os.environ:
    _scratch = tempfile.mkdtemp(prefix="ta1-test-outputs-")
    os.environ["TA1_OUTPUT_DIR"] = _scratch  # inherited by the test workers and the kernels
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)


def pytest_configure(config):
    """nbval's kernels start the way the renderer's do (ta1sepsis.pipeline.render: a fork of
    the warm process when there is one, ready when its kernel_info request goes idle): the same
    kernel as a cold start, without importing the libraries again for each notebook."""
    if not getattr(config.option, "nbval", False):
        return
    import nbval.kernel

    from ta1sepsis.pipeline.render import _kernel_manager_class

    nbval.kernel.KernelManager = _kernel_manager_class()
