"""Plain words for outcome keys, so titles and prose never show a code identifier."""

from __future__ import annotations

OUTCOME_WORDS = {
    "mortality_28d": "28-day mortality",
    "mortality_90d": "90-day mortality",
    "mortality_hospital": "in-hospital mortality",
    "mortality_icu": "ICU mortality",
    "mortality_any": "mortality (time point not stated)",
    "new_infection_28d": "new infection by day 28",
}


def outcome_words(key: str, definition: str = "") -> str:
    """The outcome in words: a known key's name, else the first clause of its definition, else
    the key with its underscores turned into spaces."""
    if key in OUTCOME_WORDS:
        return OUTCOME_WORDS[key]
    if definition:
        return definition.split("(")[0].split(";")[0].strip().rstrip(".") or key.replace("_", " ")
    return key.replace("_", " ")
