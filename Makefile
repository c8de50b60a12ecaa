# Uptake: the two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
UPTAKE := .build/release/uptake

.PHONY: run test deps build bench calibrate fuzz clean

## deps: install the Debian packages the numerical core links against, if missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product uptake

## run: the main job. Builds in release mode and regenerates Results/.
run: build
	@scripts/run-bundled.sh $(UPTAKE) Results

## test: the whole test suite (unit, NIST exam and end-to-end tests of the built executable).
test: deps
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

## fuzz: build the libFuzzer targets (formula parser, scenario loader, CSV reader) and run each
## for FUZZ_SECONDS (default 60); exit 1 if one crashed or hung (docs/fuzzing.md).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/fuzz.sh

clean:
	rm -rf .build
