# Uptake: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config
# For the tests of report.html in a browser (and `make screenshots`).
TEST_APT_PACKAGES := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
UPTAKE := .build/release/uptake
# The notebook kernel: Python with nbclient, ipykernel, pandas and matplotlib, pinned.
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
NOTEBOOK_REQUIREMENTS := scripts/notebook-requirements.txt

# $(call apt-install,PACKAGES[,APT_OPTIONS]): installs those of PACKAGES that are missing (sudo if not root).
apt-install = missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2) $$missing; \
	fi

.PHONY: run test deps test-deps venv build bench calibrate screenshots fuzz clean

## deps: install the Debian packages the numerical core links against, if missing.
deps:
	@$(call apt-install,$(APT_PACKAGES))

## test-deps: deps, headless Chromium for the report tests, and the local Slurm cluster that
## the Slurm job-array test starts (scripts/slurm/).
SLURM_PACKAGES := slurmctld slurmd slurm-client munge
test-deps: deps
	@$(call apt-install,$(TEST_APT_PACKAGES))
	@$(call apt-install,$(SLURM_PACKAGES),--no-install-recommends)

## venv: the notebook kernel in .venv/ (python3 -m venv; Debian's python3-venv if that is missing).
venv: $(VENV)/.installed

$(VENV)/.installed: $(NOTEBOOK_REQUIREMENTS)
	@if ! python3 -m venv $(VENV) >/dev/null 2>&1; then \
	  rm -rf $(VENV); $(call apt-install,python3-venv); python3 -m venv $(VENV); \
	fi
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check -r $(NOTEBOOK_REQUIREMENTS)
	@touch $@

build: deps
	swift build -c release --product uptake

## run: the main job. Builds in release mode, regenerates Results/ (report.html included) and
## Notebooks-export/, and executes the notebooks with the kernel of .venv/.
run: build venv
	@scripts/run-bundled.sh $(UPTAKE) Results Notebooks-export $(VENV_PYTHON)

## test: the whole test suite (unit, NIST exam, end-to-end tests of the built executable,
## report.html in headless Chromium, the exported notebooks under a real kernel, and a job
## array on a real local Slurm, which needs root as CI has).
test: test-deps venv
	UPTAKE_REQUIRE_TOOLS=1 swift test

## screenshots: docs/report-390.png (a scenario's section) and docs/report-1280.png (the top)
## of Results/report.html.
screenshots: test-deps
	scripts/screenshot-report.sh Results docs scenario-vung-tau-market-qr

## bench: the side-by-side speed benchmark against the numpy/scipy baseline (BENCHMARKS.md).
bench: deps
	swift build -c release --product UptakeBenchmark
	Benchmarks/run-fit-benchmark.sh

## calibrate: rebuild the local trend's error table from the real panels (docs/forecasting.md).
PANELS := ../shared/reference/panels
calibrate: build
	$(UPTAKE) backtest --series-pattern '^[A-Z]{3}$$' \
	  --panel count=$(PANELS)/mobile_subscriptions_per_100_by_country_1980_2020.csv \
	  --panel share=$(PANELS)/electricity_access_pct_by_country_1990_2016.csv \
	  --panel count=$(PANELS)/fixed_broadband_per_100_by_country_1998_2020.csv \
	  --write-calibration Sources/Forecasting/ErrorQuantileTable+BuiltIn.swift

## fuzz: build the libFuzzer targets (formula parser, scenario loader, CSV reader) and run each
## for FUZZ_SECONDS (default 60); exit 1 if one crashed or hung (docs/fuzzing.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/fuzz.sh

clean:
	rm -rf .build $(VENV)
