"""The evidence layer: judgements built on the statistics (verdicts, GRADE, RoB 2, the claims ledger)."""
