# linli — `make help` lists the targets. The two that matter:
#   make demo   set up everything and run the main job on the demo data
#   make test   set up everything and run every check (lint, unit, notebooks)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
JOBS   ?= 2
PIP_VERSION ?= 26.3
OUT    ?= reports

.DEFAULT_GOAL := help
.PHONY: help setup system lock demo validate indicators claims test lint unit notebooks bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

LOCK   := requirements-lock.txt

# Every package, direct and transitive, comes from the lock, checked against its hashes;
# the project itself is then installed on top without resolving anything.
$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: system $(BIN)/.installed ## install the Python environment (.venv) and the system fonts/browser

lock: $(BIN)/.installed ## refresh requirements-lock.txt from the pins in pyproject.toml (needs the network)
	$(BIN)/uv pip compile pyproject.toml --all-extras --universal --generate-hashes \
		--python-version 3.11 --no-header -o $(LOCK)

system: ## install system packages (CJK fonts, Chromium, poppler) when running as root
	@if [ -x scripts/install-system-deps.sh ]; then scripts/install-system-deps.sh; fi

demo: setup ## run the main job on the demo data: validate, indicators, index, claims, every report
	$(BIN)/linli validate --out data/processed
	$(BIN)/linli indicators --out data/processed/indicators.csv
	$(BIN)/linli index --out data/processed/index.csv
	$(BIN)/linli claims --out data/processed/claims.csv
	$(BIN)/linli build --out $(OUT)

test: setup lint unit notebooks ## run every check: lint, unit and doctests, notebooks

lint: $(BIN)/.installed ## ruff over the package, the tests, the benchmarks and the notebooks
	$(BIN)/ruff check linli tests benchmarks notebooks

unit: $(BIN)/.installed ## unit, data-contract, CLI tests and doctests
	$(BIN)/pytest -n $(JOBS) --dist loadfile tests linli

notebooks: $(BIN)/.installed ## re-execute every notebook with nbval (default parameters, demo data)
	$(BIN)/pytest --nbval-lax -p no:cacheprovider notebooks

bench: $(BIN)/.installed ## run the benchmarks (not part of the tests)
	$(BIN)/python benchmarks/bench_synth.py
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_suggest.py
	$(BIN)/python benchmarks/bench_scale.py

clean: ## remove generated files (keeps data/raw and the venv)
	rm -rf data/processed/* reports/* .pytest_cache .ruff_cache
