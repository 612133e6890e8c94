# The two commands a newcomer needs: `make demo` and `make test` (README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo up test test-fast bench bench-size bench-gateway bench-ui bench-store bench-chain bench-training bench-decisions bench-care venv broker clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

broker:
	bash deploy/ensure-services.sh rabbitmq

# Starts intake and casework as separate processes, plays a short scenario, prints it, stops them.
demo: venv broker
	$(PY) -m deploy.demo

# The same services, kept running in the foreground until Ctrl-C (data in var/).
up: venv broker
	$(PY) -m deploy.launcher up

# The whole suite, slow fault tests included, then the browser tests in a pass of their own
# (conftest.py says why); pytest's "no tests ran" (exit 5) fails either pass.
test: venv
	bash deploy/ensure-services.sh rabbitmq postgres chromium promtool
	$(PY) -m pytest -ra; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no tests were collected: failing"; exit 1; fi; [ $$status -eq 0 ] || exit $$status
	OPS_BROWSER_PASS=1 $(PY) -m pytest -ra tests/browser; status=$$?; \
	if [ $$status -eq 5 ]; then echo "no browser tests were collected: failing"; exit 1; fi; exit $$status

# Everything but the slow fault and load tests.
test-fast: venv
	$(PY) -m pytest -ra -m "not slow"

# 2,000 people registered and routed to casework, 50 in flight; the last line is JSON.
bench: venv broker
	$(PY) benchmarks/backbone.py

# 1,000 and 100,000 people and cases (stores built once in var/bench-size): lists' p95, the first
# query after a start, commands' p50, peak RSS; the last line is JSON. RECORDS=20000 for a smaller run.
RECORDS ?= 100000
bench-size: venv broker
	$(PY) benchmarks/size.py --records $(RECORDS)

# The same requests straight to intake and through the gateway: the door's added latency and RSS.
bench-gateway: venv broker
	$(PY) benchmarks/gateway.py

# 300 pages' live streams while 2,000 cases are routed: commit-to-page latency, the gateway's RSS and CPU.
bench-ui: venv broker
	$(PY) benchmarks/ui.py

# 3,000 saves and loads on a SQLite store, without and with the store's cipher: µs per operation.
bench-store: venv
	$(PY) benchmarks/store_cipher.py

# What the store's hash chain costs a save, and how fast a 100,000-event store and its export verify.
bench-chain: venv
	$(PY) benchmarks/store_chain.py

# Staff development's March report after 2,000, 20,000 and 100,000 reported facts: flat or not.
bench-training: venv
	$(PY) benchmarks/training_report.py

# decisions' lists (first page), the month's payment list and a command at 1,000 and 100,000 proceedings;
# the stores are built once, in var/bench-decisions/.
bench-decisions: venv
	$(PY) benchmarks/decisions_lists.py

# care's lists (first page), the first query after a restart, a visit recorded, at 1,000 and 100,000 files;
# the stores are built once, in var/bench-care/.
bench-care: venv
	$(PY) benchmarks/care_lists.py

clean:
	rm -rf var
