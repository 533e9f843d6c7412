"""Every data table of the project in one place: the schemas by name and the check of the data
files a notebook's parameters name. It sits above the loaders (:mod:`ta1sepsis.data.loader`,
:mod:`ta1sepsis.data.claims_tables`) so that neither needs the other."""

from __future__ import annotations

from pathlib import Path

from ta1sepsis.data.claims_tables import (
    CLAIM_FACTS_SCHEMA,
    CLAIMS_SCHEMA,
    NOT_CLAIMS_SCHEMA,
    OMISSIONS_SCHEMA,
)
from ta1sepsis.data.loader import (
    SCHEMAS,
    TableSchema,
    load_credibility,
    load_estimates,
    load_facts,
    load_mechanism,
    load_peptide,
    load_table,
    load_trials,
)

FILE_PARAMETERS = {
    "trials_file": load_trials,
    "estimates_file": load_estimates,
    "facts_file": load_facts,
    "credibility_file": load_credibility,
    "mechanism_file": load_mechanism,
    "peptide_file": load_peptide,
}


def check_data_files(parameters: dict, root: Path, tables: dict[str, str] | None = None) -> None:
    """Validate every data file a notebook's parameters name (raises DataError).

    Parameters
    ----------
    parameters : dict
        The notebook's validated parameters.
    root : Path
        Project root; file parameters are relative to it.
    tables : dict of str to str, optional
        Parameter name -> table schema name (the ``x-file`` keyword of the parameter schema).
        Default: :data:`FILE_PARAMETERS`.
    """
    if tables is None:
        for name, loader in FILE_PARAMETERS.items():
            if parameters.get(name):
                loader(root / parameters[name])
        return
    for name, table in tables.items():
        schemas = table_schemas()
        if parameters.get(name) and table in schemas:
            load_table(root / parameters[name], schemas[table])


def table_schemas() -> dict[str, TableSchema]:
    """Every data table's schema by name: the loader's and the claims ledger's."""
    return {
        **SCHEMAS,
        **{
            s.name: s
            for s in (CLAIMS_SCHEMA, CLAIM_FACTS_SCHEMA, NOT_CLAIMS_SCHEMA, OMISSIONS_SCHEMA)
        },
    }
