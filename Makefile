# The two commands of the README: `make run` and `make test`. Both create the virtual environment
# on first use and refresh it whenever pyproject.toml changes.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := functions:.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_EC2_METADATA_DISABLED := true

.PHONY: install run test lint synth bench docs clean

$(STAMP): pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PYTHON) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

install: $(STAMP)

run: install
	$(PYTHON) -m local.run

test: install lint
	$(PYTHON) -m pytest

lint: install
	$(VENV)/bin/ruff check functions infra local bench tests app.py

synth: install
	CDK_OUTDIR=cdk.out $(PYTHON) app.py

bench: install
	$(PYTHON) -m bench.run
	$(PYTHON) -m bench.timeline
	$(PYTHON) -m bench.metrics
	$(PYTHON) -m bench.bulk

docs: install
	$(PYTHON) -m casetrail.docs

clean:
	rm -rf $(VENV) cdk.out
