# Uptake: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
UPTAKE := .build/release/uptake

.PHONY: run test deps test-deps build bench calibrate clean

# apt_install PACKAGES[,APT_OPTIONS]: installs those of PACKAGES that are missing.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2) $$missing; \
	fi
endef

## deps: install the Debian packages the numerical core links against, if missing.
deps:
	$(call apt_install,$(APT_PACKAGES))

## test-deps: also the local Slurm cluster that the Slurm job-array test starts (scripts/slurm/).
SLURM_PACKAGES := slurmctld slurmd slurm-client munge
test-deps: deps
	$(call apt_install,$(SLURM_PACKAGES),--no-install-recommends)

build: deps
	swift build -c release --product uptake

## run: the main job. Builds in release mode and regenerates Results/.
run: build
	@scripts/run-bundled.sh $(UPTAKE) Results

## test: the whole test suite (unit, NIST exam, end-to-end tests of the built executable, and a
## job array on a real local Slurm, which needs root as CI has).
test: test-deps
	swift test

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

clean:
	rm -rf .build
