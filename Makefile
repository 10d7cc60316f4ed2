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

# The labelled lab capture the quality gate runs on (not used for training): the server under
# attack is 10.77.0.10, so it is HOME_NET for the shipped rules.
DEMO_CAPTURE ?= test/cases/ml-holdout/capture.pcap
DEMO_ARGS ?= --home-net 10.77.0.10/32

.PHONY: demo test test-unit

demo: setup ## install what is missing, then `ids analyze` on the bundled capture (embedded runtime)
	node bin/ids.js analyze $(DEMO_CAPTURE) $(DEMO_ARGS) -l out/demo
	@echo "flows, scores and alerts written to out/demo/ (alerts.json: fused; eve.json: the rules' own)"

test: setup ## install what is missing, start the local stack, run every test, stop the stack
	bash test/run-all.sh

test-unit: ## unit tests only (no stack needed)
	npx jest --selectProjects unit

BENCH_ARGS ?=

.PHONY: bench

INFERENCE_BENCH_ARGS ?=
SIGNATURES_BENCH_ARGS ?=

bench: setup datasets ## benchmarks -> out/bench/{flow,inference,signatures}-bench.json (flow path vs tcpdump/Argus/NFStream; ONNX vs Python; rules vs grep -F and Suricata)
	bash test/bench/setup.sh
	node dist/test/bench/generate-capture.js $(BENCH_ARGS)
	node dist/test/bench/run.js $(BENCH_ARGS)
	node dist/test/bench/inference/run.js $(INFERENCE_BENCH_ARGS)
	node dist/test/bench/signatures/run.js $(SIGNATURES_BENCH_ARGS)

# --- traffic lab and model training (issue #5) ---

LAB_PROFILE ?= train

.PHONY: lab datasets train

lab: setup ## regenerate a labelled corpus in the traffic lab (root; LAB_PROFILE=train|holdout|smoke) -> out/lab/<profile>/
	bash tools/lab/install.sh
	bash tools/lab/run.sh --profile $(LAB_PROFILE)

datasets: setup ## feature vectors of the committed corpora (ids dataset) -> out/datasets/{train,holdout}.csv
	mkdir -p out/datasets
	node bin/ids.js dataset -r models/training/corpus/capture.pcap --labels models/training/corpus/labels.csv -o out/datasets/train.csv
	node bin/ids.js dataset -r test/cases/ml-holdout/capture.pcap --labels test/cases/ml-holdout/labels.csv -o out/datasets/holdout.csv

train: datasets ## train flow-gbdt, flow-mlp, flow-ae to ONNX (MODEL_VERSION=x.y.z) -> models/<name>/<version>/
	SOURCE_DATE_EPOCH=1795132800 .local/venv/bin/python -m models.training.train --train out/datasets/train.csv \
	  --holdout out/datasets/holdout.csv --out models --version $(or $(MODEL_VERSION),1.0.0) --seed 42
