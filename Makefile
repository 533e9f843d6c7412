# Thymosin α1 in sepsis: reproducible notebooks.
#   make all    render every notebook whose inputs changed (creates .venv on first use)
#   make test   unit, data, notebook (nbval) and pipeline tests
#   make bench  time the pipeline against the budgets in DESIGN.md
#   make clean  remove rendered outputs (notebooks, figures, tables, results) and build/
# Needs GNU make >= 4.3 (grouped targets) and Python 3.11 with venv.

SHELL := /bin/bash
.DEFAULT_GOAL := all
# No .DELETE_ON_ERROR: the renderer installs outputs atomically and only on success, and make
# must never delete a good rendering because a run failed or was interrupted.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ta1sepsis-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

NOTEBOOKS := 01_mechanism 02_etass 03_meta_analyses 04_tests 05_subgroups 06_dosing 07_next_trial 08_claims
RENDERED := $(NOTEBOOKS:%=notebooks/%.ipynb)
PACKAGE := $(sort $(wildcard src/ta1sepsis/*.py))

# What each notebook reads: data files and the results of upstream notebooks.
DATA_01_mechanism := data/trials.csv data/published_estimates.csv data/study_facts.csv data/mechanism_steps.csv data/peptide.csv
UPSTREAM_01_mechanism :=
DATA_02_etass := data/trials.csv data/published_estimates.csv data/study_facts.csv
DATA_03_meta_analyses := data/trials.csv data/published_estimates.csv data/study_facts.csv
DATA_04_tests := data/trials.csv data/published_estimates.csv data/study_facts.csv
DATA_05_subgroups := data/trials.csv data/published_estimates.csv data/subgroup_credibility.csv
UPSTREAM_02_etass :=
UPSTREAM_03_meta_analyses :=
UPSTREAM_04_tests := 03_meta_analyses
UPSTREAM_05_subgroups :=
DATA_06_dosing := data/study_facts.csv data/published_estimates.csv
UPSTREAM_06_dosing :=
DATA_07_next_trial := data/published_estimates.csv data/study_facts.csv
UPSTREAM_07_next_trial := 05_subgroups
DATA_08_claims := data/claims.csv data/claim_facts.csv data/claims_not_claims.csv data/claims_omissions.csv data/trials.csv data/published_estimates.csv data/study_facts.csv data/subgroup_credibility.csv
UPSTREAM_08_claims := 01_mechanism 02_etass 03_meta_analyses 04_tests 05_subgroups 06_dosing

.PHONY: all test bench clean env lint html browser

all: $(RENDERED)

.PRECIOUS: $(RENDERED) $(NOTEBOOKS:%=results/%.json)

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@echo "[env] installing the pinned environment into $(VENV) (first run only)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -r requirements.lock
	@$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

define notebook_rule
notebooks/$(1).ipynb results/$(1).json &: notebooks/$(1).py params/$(1).yaml $$(DATA_$(1)) $$(UPSTREAM_$(1):%=results/%.json) $$(PACKAGE) | $$(STAMP)
	@$$(BIN)/python -m ta1sepsis.render $(1)
endef
$(foreach nb,$(NOTEBOOKS),$(eval $(call notebook_rule,$(nb))))

html: $(RENDERED) | $(STAMP)
	@$(BIN)/python -m ta1sepsis.site

# Headless Chromium for the site test (Debian packages; installed when missing, needs root)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ echo "[browser] installing Debian's chromium and chromium-driver"; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest tests $(RENDERED) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks/*.py
	$(BIN)/ruff format --check src tests

bench: $(STAMP)
	@$(BIN)/python -m ta1sepsis.bench $(NOTEBOOKS)

clean:
	rm -rf build site $(RENDERED) $(NOTEBOOKS:%=results/%.json)
	rm -f $(foreach nb,$(NOTEBOOKS),figures/$(nb)*.png tables/$(nb)*.csv)
