# Thymosin α1 in sepsis: reproducible notebooks.
#   make all    render every notebook whose inputs changed (creates .venv on first use);
#               uses both cores (JOBS=2) with one progress line per notebook
#   make test   unit, data, notebook (nbval) and pipeline tests (what CI runs)
#   make check  the fast tier: lint, unit, reference and validation tests (under a minute)
#   make html   the offline site in site/
#   make screenshots   the site's pages in headless Chromium, pictured into screenshots/
#   make bench  time the pipeline against the budgets in docs/design.md
#   make clean  remove rendered outputs (notebooks, figures, tables, results) and build/
#   make deps   regenerate build/deps/*.mk (normally automatic)
#   make datapackage   regenerate data/datapackage.json from the loader's table schemas
# Needs GNU make >= 4.3 (grouped targets) and Python 3.11. How the rules work: docs/design.md.

ifeq ($(filter grouped-target,$(.FEATURES)),)
$(error GNU make $(MAKE_VERSION) is too old: this Makefile needs GNU make 4.3 or newer (grouped targets). Install a newer make (Debian/Ubuntu: apt-get install make; macOS: brew install make, then run gmake))
endif

SHELL := /bin/bash
.DEFAULT_GOAL := all
# Both cores by default (make -j1 or JOBS=1 for one at a time); each notebook's output printed
# as one block when it finishes. No .DELETE_ON_ERROR: the renderer installs outputs as one
# transaction and only on success, and make must never delete a good rendering because a run
# failed or was interrupted (every output is .PRECIOUS below).
JOBS ?= 2
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(JOBS)
endif
MAKEFLAGS += --no-print-directory
# whole blocks per notebook when rendering in parallel; never for the long single commands
# (make test, make bench), whose progress must reach the terminal as it happens
ifeq ($(filter test bench check screenshots,$(MAKECMDGOALS)),)
MAKEFLAGS += --output-sync=target
endif

PYTHON ?= python3
# Python caches the package's compiled modules (__pycache__/, git-ignored) even where the
# environment says not to (PYTHONDONTWRITEBYTECODE): every rendering starts two processes that
# import the package, and compiling it again each time costs about 0.15 s per process
unexport PYTHONDONTWRITEBYTECODE
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.ta1sepsis-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# The renderer and the site run as forks of a warm process that has imported the libraries they
# use (python -m ta1sepsis.pipeline.warm run MODULE ...: the same as python -m MODULE ..., about
# 0.5 s sooner; the kernels too). TA1_WARM_KERNELS=0 starts every process cold; see
# docs/design.md, "Warm processes"
WARM := $(BIN)/python -m ta1sepsis.pipeline.warm run
RENDER := $(WARM) ta1sepsis.pipeline.render

# FORCE if any of the files $(1) is missing (an output deleted by hand makes its notebook run)
missing = $(if $(filter-out $(wildcard $(1)),$(1)),FORCE)

.PHONY: all test check bench clean env lint html browser screenshots deps datapackage FORCE

# Goals that need neither the environment nor the generated dependencies.
NO_DEPS_GOALS := clean env browser lint
ifeq ($(MAKECMDGOALS),)
NEED_DEPS := yes
else ifneq ($(filter-out $(NO_DEPS_GOALS),$(MAKECMDGOALS)),)
NEED_DEPS := yes
endif

# One build/deps/NAME.mk per notebook source, generated from its parameter schema, its
# parameters and the output list in its rendered notebook (python -m ta1sepsis.pipeline.deps); each
# defines the notebook's rule, adds it to RENDERED and lists its outputs.
NAMES := $(basename $(notdir $(wildcard notebooks/*.py)))
RENDERED :=
EARLY :=
ifdef NEED_DEPS
# contents, not only times: a rendering whose recorded inputs changed in content is marked for
# rendering (even if an output carries a time stamp from the future), one whose inputs were only
# touched is not rendered again (ta1sepsis.pipeline.deps.refresh_stamps; records in build/inputs)
ifneq ($(and $(wildcard build/inputs),$(wildcard $(STAMP))),)
_REFRESH := $(shell $(BIN)/python -m ta1sepsis.pipeline.deps --refresh-stamps)
endif
include $(NAMES:%=build/deps/%.mk)
endif

# notebooks whose results others read first, so that both cores stay busy
all: $(filter $(RENDERED),$(EARLY)) $(RENDERED)

.SECONDEXPANSION:
build/deps/%.mk: $$(wildcard params/$$*.schema.json params/$$*.yaml) src/ta1sepsis/pipeline/deps.py | $(STAMP)
	@$(BIN)/python -m ta1sepsis.pipeline.deps $*

deps: | $(STAMP)
	@$(BIN)/python -m ta1sepsis.pipeline.deps

.PRECIOUS: $(RENDERED) $(foreach v,$(filter OUTPUTS_%,$(.VARIABLES)),$($(v)))

# ------------------------------------------------------------------ the pinned environment
# Python 3.11 only; a half-built environment (interrupted install: no stamp; a python that
# does not start, or is another version) is removed and built again.
PYTHON_OK = $(1) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null
# read without starting a process: a venv whose python is gone (a dangling link) or that another
# Python version made is rebuilt
VENV_CFG := $(if $(wildcard $(VENV)/pyvenv.cfg),$(file < $(VENV)/pyvenv.cfg))
VENV_STALE := $(if $(realpath $(BIN)/python),$(if $(VENV_CFG),$(if $(filter 3.11.%,$(VENV_CFG)),,FORCE)),FORCE)

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml $(VENV_STALE)
	@$(call PYTHON_OK,$(PYTHON)) || { \
		v=$$($(PYTHON) -c 'import platform; print(platform.python_version())' 2>/dev/null) || v="not found"; \
		echo "[env] $(PYTHON) is Python $$v; this project needs Python 3.11: run make PYTHON=python3.11 $(or $(MAKECMDGOALS),all)" >&2; exit 1; }
	@if { [ -e $(BIN)/python ] || [ -L $(BIN)/python ]; } && ! $(call PYTHON_OK,$(BIN)/python); then \
		echo "[env] $(VENV) is broken or not Python 3.11: building it again"; rm -rf $(VENV); fi
	@echo "[env] installing the pinned environment into $(VENV) (first run only)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -r requirements.lock
	@$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

# ---------------------------------------------------------------------------------- targets
html: $(RENDERED) | $(STAMP)
	@$(WARM) ta1sepsis.pipeline.site

datapackage: | $(STAMP)
	@$(BIN)/python -m ta1sepsis.pipeline.datapackage

# Headless Chromium for the site test (Debian packages; installed when missing, needs root)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ echo "[browser] installing Debian's chromium and chromium-driver (waits up to 5 minutes if another apt holds its lock)"; \
		  apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium chromium-driver >/dev/null || \
		  { echo "[browser] apt could not install chromium (is another apt running, or is this not Debian?): run make browser again when it is free" >&2; exit 1; }; }

# Tests on TEST_JOBS cores (pytest-xdist): the suite is split between the workers, the long
# tests first (tests/conftest.py), and a worker that runs out steals from the other's queue
# (--dist worksteal; with --dist load one worker got every long test in its first chunk);
# nbval runs a notebook's cells in order in one kernel, so the notebooks go one file per worker
# (--dist loadfile), in a second run.
TEST_JOBS ?= 2
# TA1_WARM_IDLE: a warm process the tests start (none was running) exits 2 minutes after them
PYTEST := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL TA1_WARM_IDLE=120 $(BIN)/python -m pytest \
	-p no:cacheprovider -n $(TEST_JOBS)

test: $(STAMP) browser
	@echo "[test] unit and reference tests, pipeline tests (they render in temporary copies) and the site in headless Chromium, on $(TEST_JOBS) cores; the 15 slowest are listed at the end"
	$(PYTEST) --dist worksteal tests --durations=15
	@echo "[test] nbval: the $(words $(RENDERED)) rendered notebooks re-executed and compared with their committed outputs"
	$(PYTEST) --dist loadfile $(RENDERED) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg

# The site's pages in headless Chromium with screenshots to look at (screenshots/, git-ignored):
# the browser tests of make test, plus a full-page picture of every page at 1400 px and the
# reader's views (index, 09, 08 at 390 and 1400 px) in screenshots/reader/.
screenshots: $(STAMP) browser
	@echo "[screenshots] every page of the site in headless Chromium, pictured into screenshots/"
	@TA1_SCREENSHOTS=1 $(PYTEST) --dist loadfile tests/test_site.py -m browser -q

# The fast tier for the edit-test loop (under a minute): lint, then the unit, reference,
# validation and doctest tests; no rendering, no browser, no nbval, no long simulation.
check: $(STAMP)
	@echo "[check] lint, then unit, reference and validation tests on $(TEST_JOBS) cores (no rendering, browser, nbval or long simulation; make test runs everything)"
	@$(BIN)/ruff check src tests notebooks/*.py
	@$(BIN)/ruff format --check src tests
	@$(PYTEST) --dist worksteal tests -m "not pipeline and not slow and not browser" -q --durations=5

lint: $(STAMP)
	$(BIN)/ruff check src tests notebooks/*.py
	$(BIN)/ruff format --check src tests

bench: $(STAMP)
	@$(BIN)/python -m ta1sepsis.pipeline.bench $(if $(QUICK),--quick)

clean:
	rm -rf build site notebooks/trials results/trials figures/trials tables/trials
	rm -f $(foreach n,$(NAMES),notebooks/$(n).ipynb results/$(n).json figures/$(n)_*.png tables/$(n)_*.csv)
