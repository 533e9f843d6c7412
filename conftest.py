"""Loaded by pytest before anything is collected (tests/ and the nbval notebooks alike).

nbval re-executes the committed notebooks; their figures, tables and results must not
overwrite the committed ones, so they go to a scratch folder (see ta1sepsis.report.outputs).
"""

import os
import tempfile

os.environ.setdefault("TA1_OUTPUT_DIR", tempfile.mkdtemp(prefix="ta1-test-outputs-"))
