"""The report layer: what a reader sees (tables, figures, prose, results files)."""
