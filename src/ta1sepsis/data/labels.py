"""Plain words for outcome keys, so titles and prose never show a code identifier."""

from __future__ import annotations

OUTCOME_WORDS = {
    "mortality_28d": "28-day mortality",
    "mortality_90d": "90-day mortality",
    "mortality_hospital": "in-hospital mortality",
    "mortality_icu": "ICU mortality",
    "mortality_any": "mortality (time point not stated)",
    "new_infection_28d": "new infection by day 28",
    "mhla_dr_change_day3": "monocyte HLA-DR, change to day 3",
    "mhla_dr_change_day7": "monocyte HLA-DR, change to day 7",
    "hla_dr": "HLA-DR",
    "hla_dr_28d": "monocyte HLA-DR at day 28",
    "cd4": "CD4+ T cells",
    "cd8": "CD8+ T cells",
    "cd4_cd8_ratio": "CD4/CD8 ratio",
    "tnf_alpha": "TNF-α",
    "il6": "IL-6",
    "crp": "C-reactive protein",
}

UNIT_WORDS = {
    "percentage_points": "percentage points",
    "SD_units": "SD units",
    "ratio": "ratio units",
    "ng/L": "ng/L",
    "mg/L": "mg/L",
    "": "unit not stated",
}
"""The units of ``data/published_estimates.csv`` in words."""


def unit_words(unit: str) -> str:
    """A unit in words (an unknown unit is shown as it is)."""
    return UNIT_WORDS.get(unit, unit)


def outcome_words(key: str, definition: str = "") -> str:
    """The outcome in words: a known key's name, else the first clause of its definition, else
    the key with its underscores turned into spaces."""
    if key in OUTCOME_WORDS:
        return OUTCOME_WORDS[key]
    if definition:
        return definition.split("(")[0].split(";")[0].strip().rstrip(".") or key.replace("_", " ")
    return key.replace("_", " ")
