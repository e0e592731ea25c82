# linli — `make help` lists the targets. The two that matter:
#   make demo   set up everything and run the main job on the demo data
#   make test   set up everything and run every check (lint, unit, notebooks)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
JOBS   ?= 2
OUT    ?= reports

.DEFAULT_GOAL := help
.PHONY: help setup system demo validate indicators claims test lint unit notebooks bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: system $(BIN)/.installed ## install the Python environment (.venv) and the system fonts/browser

system: ## install system packages (CJK fonts, Chromium, poppler) when running as root
	@if [ -x scripts/install-system-deps.sh ]; then scripts/install-system-deps.sh; fi

demo: setup ## run the main job on the demo data: validate, indicators, index, claims, every report
	$(BIN)/linli validate --out data/processed
	$(BIN)/linli indicators --out data/processed/indicators.csv
	$(BIN)/linli index --out data/processed/index.csv
	$(BIN)/linli claims --out data/processed/claims.csv
	$(BIN)/linli build --out $(OUT)

test: setup lint unit notebooks ## run every check: lint, unit and doctests, notebooks

lint: $(BIN)/.installed ## ruff over the package and the tests
	$(BIN)/ruff check linli tests benchmarks

unit: $(BIN)/.installed ## unit, data-contract, CLI tests and doctests
	$(BIN)/pytest -n $(JOBS) --dist loadfile tests linli

notebooks: $(BIN)/.installed ## re-execute every notebook with nbval (default parameters, demo data)
	$(BIN)/pytest --nbval-lax -p no:cacheprovider notebooks

bench: $(BIN)/.installed ## run the benchmarks (not part of the tests)
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_pipeline.py

clean: ## remove generated files (keeps data/raw and the venv)
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache
