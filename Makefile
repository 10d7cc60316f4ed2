# Developer entry points. Scripts live in infra/local (see infra/local/README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

LOCAL := infra/local

.PHONY: help setup build lint stack-up stack-down stack-status clean-local

help: ## list targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

setup: ## install everything (apt, npm ci, build, Kafka jars, Python venv); idempotent
	bash $(LOCAL)/install.sh

build: ## compile TypeScript into dist/
	npm run build

lint: ## eslint
	npm run lint

stack-up: ## start Kafka, schema registry, ClickHouse
	bash $(LOCAL)/stack.sh start

stack-down: ## stop ClickHouse, schema registry, Kafka
	bash $(LOCAL)/stack.sh stop

stack-status: ## show what is running (exit 0 only if all are)
	bash $(LOCAL)/stack.sh status

clean-local: ## stop the stack and delete local data and logs (keeps Kafka jars and the venv)
	bash $(LOCAL)/stack.sh stop
	rm -rf .local/kafka/data .local/kafka/server.log .local/kafka/server.properties \
	  .local/kafka/kafka.pid .local/registry .local/clickhouse

# --- demo / test / bench: see below ---

DEMO_CAPTURE ?= test/cases/skeleton/capture.pcap

.PHONY: demo test test-unit

demo: setup ## install what is missing, then `ids analyze` on the bundled capture (embedded runtime)
	node bin/ids.js analyze $(DEMO_CAPTURE) -l out/demo
	@echo "flows written to out/demo/flows.json"

test: setup ## install what is missing, start the local stack, run every test, stop the stack
	bash test/run-all.sh

test-unit: ## unit tests only (no stack needed)
	npx jest --selectProjects unit

BENCH_ARGS ?=

.PHONY: bench

bench: setup ## benchmarks: 1 GiB capture, embedded path beside tcpdump, Argus, NFStream -> out/bench/flow-bench.json
	bash test/bench/setup.sh
	node dist/test/bench/generate-capture.js $(BENCH_ARGS)
	node dist/test/bench/run.js $(BENCH_ARGS)
