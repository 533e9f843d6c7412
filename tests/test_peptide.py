"""Peptide facts against hand calculations written out in the tests (residue counts and
masses)."""

import pytest

from ta1sepsis.stats.peptide import Peptide

THYMALFASIN = Peptide.parse("Ac-SDAAVDTSSEITTKDLKEKKEVVEEAEN-OH")


def test_length_and_composition_by_count():
    # (a) 28 residues: E 6, K 4, S 3, D 3, A 3, V 3, T 3, I 1, L 1, N 1
    assert THYMALFASIN.length == 28
    assert THYMALFASIN.composition == {
        "E": 6,
        "K": 4,
        "A": 3,
        "D": 3,
        "S": 3,
        "T": 3,
        "V": 3,
        "I": 1,
        "L": 1,
        "N": 1,
    }


def test_average_mass_by_hand():
    # (b) residue masses: 774.693 + 512.696 + 261.235 + 345.266 + 213.236 + 297.398 + 303.315
    #     + 113.159 + 113.159 + 114.104 = 3048.262; + water 18.015 + acetyl C2H2O 42.037 = 3108.3
    residues = 6 * 129.1155 + 4 * 128.1741 + 3 * 87.0782 + 3 * 115.0886 + 3 * 71.0788
    residues += 3 * 99.1326 + 3 * 101.1051 + 113.159 + 113.159 + 114.104
    assert THYMALFASIN.average_mass == pytest.approx(residues + 18.015 + 42.037, abs=0.05)
    assert round(THYMALFASIN.average_mass) == 3108  # the labelled molecular weight
    # (c) 1.6 mg / 3108 g/mol = 0.515 umol
    assert round(THYMALFASIN.micromoles(1.6), 3) == 0.515


def test_bad_sequences_are_refused():
    with pytest.raises(ValueError, match="unknown residue"):
        Peptide.parse("Ac-SDXA-OH")
    with pytest.raises(ValueError, match="cannot parse"):
        Peptide.parse("Ac-SDA-NH2")
