"""Facts about the thymalfasin molecule computed from its sequence with pyteomics.

The average molecular mass of a peptide is the sum of its residues' average masses plus water
(pyteomics ``mass.calculate_mass(sequence=..., average=True)``, IUPAC average atomic masses).
N-terminal acetylation replaces one hydrogen by an acetyl group, a net gain of C2H2O.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pyteomics import mass

TERMINI = re.compile(r"^(?P<n>Ac-|H-)?(?P<core>[A-Z]+)(?P<c>-OH|-NH2)?$")


@dataclass(frozen=True)
class Peptide:
    """A peptide from its one-letter sequence, with or without N-terminal acetylation.

    Attributes
    ----------
    residues : str
        One-letter residue codes, N to C terminus.
    acetylated : bool
        N-terminal acetyl group.

    Examples
    --------
    >>> p = Peptide.parse("Ac-SDAAVDTSSEITTKDLKEKKEVVEEAEN-OH")
    >>> p.length, round(p.average_mass, 1), list(p.composition)[:2]
    (28, 3108.3, ['E', 'K'])
    """

    residues: str
    acetylated: bool

    @classmethod
    def parse(cls, text: str) -> Peptide:
        """Parse 'Ac-SEQUENCE-OH' style notation (free acid C-terminus only)."""
        match = TERMINI.match(text.strip())
        if not match or match["c"] == "-NH2":
            raise ValueError(f"cannot parse peptide {text!r}: expected [Ac-]SEQUENCE[-OH]")
        unknown = set(match["core"]) - set("ACDEFGHIKLMNPQRSTVWY")
        if unknown:
            raise ValueError(f"unknown residue letter(s) {sorted(unknown)} in {text!r}")
        return cls(match["core"], match["n"] == "Ac-")

    @property
    def length(self) -> int:
        """Number of residues."""
        return len(self.residues)

    @property
    def composition(self) -> dict[str, int]:
        """Residue counts, most frequent first (ties alphabetical)."""
        return dict(sorted(Counter(self.residues).items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def average_mass(self) -> float:
        """Average molecular mass (Da) of the free peptide, plus C2H2O if N-acetylated."""
        value = mass.calculate_mass(sequence=self.residues, average=True)
        if self.acetylated:
            value += mass.calculate_mass(formula="C2H2O", average=True)
        return float(value)

    def micromoles(self, milligrams: float) -> float:
        """Amount in µmol of ``milligrams`` mg of the peptide (its average mass)."""
        return 1000 * milligrams / self.average_mass
