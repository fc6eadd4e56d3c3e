# The two commands of the README: `make run` and `make test`. Both create the virtual environment
# on first use and refresh it whenever pyproject.toml changes.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := functions:.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_EC2_METADATA_DISABLED := true

.PHONY: install run test lint synth bench docs clean web

# The agent workspace (web/): node and npm come from the machine. Built only when its sources changed;
# without npm it is skipped with a message and the API runs all the same.
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f 2>/dev/null)
HAVE_NPM := $(shell command -v npm 2>/dev/null)

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PYTHON) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP)

ifdef HAVE_NPM
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json docs/openapi.json $(WEB_SOURCES)
	cd web && npm run check:api && npm run build

web: web/dist/index.html
else
web:
	@echo "npm not found: skipping the agent workspace (web/); install Node.js 20+ and npm to build it. The API runs without it."
endif

run: install web
	$(PYTHON) -m local.run

test: install lint web
	$(PYTHON) -m pytest

lint: install
	$(VENV)/bin/ruff check functions infra local bench tests app.py

synth: install
	CDK_OUTDIR=cdk.out $(PYTHON) app.py

bench: install
	$(PYTHON) -m bench.run
	$(PYTHON) -m bench.timeline
	$(PYTHON) -m bench.metrics
	$(PYTHON) -m bench.runner
	$(PYTHON) -m bench.bulk
	$(PYTHON) -m bench.imports
	$(PYTHON) -W ignore -m bench.write_units
	$(PYTHON) -W ignore -m bench.partitions
	$(PYTHON) -m bench.search
	$(PYTHON) -m bench.consumer_reads

docs: install
	$(PYTHON) -m casetrail.docs

clean:
	rm -rf $(VENV) cdk.out web/dist web/node_modules
