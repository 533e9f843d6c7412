"""What every chapter shares: its parameters (exactly the notebook's schema), the project root,
its results and the data files its parameters name."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace

from ta1sepsis.data.fingerprints import reset_rows, rows_read
from ta1sepsis.paths import project_root
from ta1sepsis.report.outputs import output_prefix
from ta1sepsis.report.results import (
    PROVENANCE,
    Results,
    ResultsFile,
    check_inputs,
    provenance,
    read_results,
    with_rows,
)


def file_parameters(notebook: str, root: Path | None = None) -> list[str]:
    """The parameters of a notebook that name a data file (``x-file`` in its schema)."""
    path = (root or project_root()) / "params" / f"{notebook}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return [name for name, prop in schema["properties"].items() if prop.get("x-file")]


def parameter_names(notebook: str, root: Path | None = None) -> list[str]:
    """The parameters of a notebook: its schema's properties and the shared names it takes."""
    path = (root or project_root()) / "params" / f"{notebook}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    return [*schema["properties"], *schema.get("x-shared", [])]


class Chapter:
    """The code behind one notebook.

    Subclasses set :attr:`notebook` (the notebook or template name) and build everything in
    ``__init__`` from ``self.p``, the parameters; their ``section_*`` methods display one
    section each and add its key numbers to ``self.results``.

    Parameters
    ----------
    **parameters
        Every parameter of the notebook's schema (and the shared ones it takes), by name; a
        missing or unknown name is an error that names it.
    """

    notebook = ""
    figures = True  # the chapter draws figures: set up matplotlib first

    def __init__(self, **parameters):
        reset_rows()  # one chapter per rendering: only its own reads count
        self.root = project_root()
        expected = parameter_names(self.notebook, self.root)
        missing = [n for n in expected if n not in parameters]
        unknown = sorted(set(parameters) - set(expected))
        if missing or unknown:
            raise TypeError(
                f"{self.notebook}: "
                + "; ".join(
                    part
                    for part in (
                        f"missing parameters {missing}" if missing else "",
                        f"unknown parameters {unknown}" if unknown else "",
                    )
                    if part
                )
                + f" (params/{self.notebook}.schema.json lists them)"
            )
        self.p = SimpleNamespace(**parameters)
        self._inputs: dict | None = None
        if self.figures:
            from ta1sepsis.report import plots

            plots.setup()
        self.results = Results(output_prefix(self.default_prefix()))

    def default_prefix(self) -> str:
        """The name every output starts with when the renderer sets none."""
        return self.notebook

    @classmethod
    def from_namespace(cls, namespace: Mapping):
        """The chapter built from a notebook's variables (its parameter cell and papermill's)."""
        names = parameter_names(cls.notebook)
        missing = [n for n in names if n not in namespace]
        if missing:
            raise NameError(f"{cls.notebook}: the notebook does not define {missing}")
        return cls(**{n: namespace[n] for n in names})

    def path(self, relative: str) -> Path:
        """A file a parameter names, relative to the project root."""
        return self.root / relative

    def inputs(self) -> dict:
        """The data files this rendering reads, with their content hashes (hashed once per
        rendering: every read of another notebook's results and the results written compare
        against the same record)."""
        if self._inputs is None:
            files = {n: getattr(self.p, n) for n in file_parameters(self.notebook, self.root)}
            self._inputs = provenance(
                {n: f for n, f in files.items() if isinstance(f, str)}, self.root
            )
        return self._inputs

    def read(self, notebook: str) -> ResultsFile:
        """Another notebook's results, refused if they were computed from other data files
        than this chapter's (:func:`ta1sepsis.report.results.check_inputs`)."""
        results = read_results(notebook)
        check_inputs(results, self.inputs(), self.notebook, self.root)
        return results

    def add_provenance(self) -> None:
        """Record which data files this rendering read (every results file carries it), and
        which rows of those it read only in part."""
        if PROVENANCE not in self.results:
            self.results.add(
                PROVENANCE,
                with_rows(self.inputs(), self.root, rows_read(self.root)),
                description="the data files this rendering read, by parameter, with their "
                "SHA-256, and the rows it read of a file read in part (readers refuse results "
                "computed from other data than theirs)",
            )

    def write_results(self) -> None:
        """Write the key numbers and say how many (the last cell of every notebook)."""
        from ta1sepsis.report.narrative import say

        self.add_provenance()
        self.results.write()
        say(f"{len(self.results)} key numbers written to `results/{self.results.notebook}.json`.")

    def estimate(self, estimate_id: str, parameter: str):
        """The row of the published estimates (``self.estimates``, read from the parameter
        ``estimates_file`` by the chapters that use them) with ``estimate_id``.

        Raises
        ------
        MissingDataId
            Naming the file, the id and ``parameter``, the parameter that named it.
        """
        return row_by_id(
            self.estimates,
            "estimate_id",
            estimate_id,
            file=self.p.estimates_file,
            parameter=parameter,
        )


class MissingDataId(KeyError):
    """A data id that a parameter names (or that is built from one) is not in its file."""

    def __str__(self) -> str:
        return str(self.args[0])


def row_by_id(frame, id_column: str, value: str, *, file: str, parameter: str):
    """The one row of ``frame`` whose ``id_column`` is ``value``.

    Raises
    ------
    MissingDataId
        If there is no such row; the message names the file, the id and the parameter that
        led to it.
    """
    hits = frame[frame[id_column] == value]
    if hits.empty:
        raise MissingDataId(
            f"{file} has no {id_column} {value!r} (named by the parameter {parameter!r})"
        )
    return hits.iloc[0]


def short_name(label: str) -> str:
    """A study label without its parenthesis: 'ETASS (Wu 2013)' -> 'ETASS'."""
    return str(label).split(" (")[0].strip()


def source_short(source: str) -> str:
    """A citation in two words: 'Rost KL et al. Int J ... 1999;37:51' -> 'Rost 1999'; a
    citation without authors and year keeps its first clause ('Zadaxin (thymalfasin) label')."""
    import re

    text = str(source)
    year = re.search(r"\b(19|20)\d{2}\b", text)
    if "et al" in text and year:
        return f"{text.split()[0]} {year.group(0)}"
    return text.split(",")[0].strip()


def thresholds_for(parameters, method_facts, outcome_class: str, *, file: str) -> list:
    """The decision thresholds an answer uses, then the sourced alternatives.

    Parameters
    ----------
    parameters : namespace
        With ``decision_thresholds`` and, for mortality, ``threshold_alternatives``.
    method_facts : pandas.DataFrame
        ``data/method_facts.csv`` (the alternatives' values, per 1000, and sources).
    outcome_class : str
        The class of the outcome (mortality, serious_events).
    file : str
        The method facts file, for the error message.

    Returns
    -------
    list of (str, float, float)
        (label, benefit, harm) in events per 1000, the one used first.
    """
    chosen = parameters.decision_thresholds[outcome_class]
    out = [("the default, params/shared.yaml", chosen["benefit"], chosen["harm"])]
    if outcome_class == "mortality":
        for fact_id in parameters.threshold_alternatives:
            row = row_by_id(
                method_facts, "fact_id", fact_id, file=file, parameter="threshold_alternatives"
            )
            value = float(row["value"])
            kind = row["item"].rpartition(": ")[2] if ": " in row["item"] else ""
            label = source_short(row["source"]) + (f"; {kind}" if kind else "")
            out.append((label, value, value))
    return out
