# asalab: `make run` starts headendd on ./data, `make test` runs every test.
GO    ?= go
BIN   := bin
TOOLS := $(CURDIR)/.tools

# Code generators and linters, pinned; installed into .tools/ on first use.
BUF_VERSION                := v1.75.0
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2

.PHONY: all build run test test-short lint proto bench soak fuzz clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/headendd ./cmd/headendctl

# The daemon on its embedded pebble store in ./data, real clock, default
# ports (gRPC 127.0.0.1:50051, metrics 127.0.0.1:9464, the web console
# http://127.0.0.1:8080/), SSH consoles from 127.0.0.1:2201 up.
run: build
	$(BIN)/headendd --data-dir ./data --ssh-addr 127.0.0.1:2201

# The conformance tests parse the console's outputs with the ntc-templates
# project's TextFSM templates and compare them with its real samples
# (networktocode/ntc-templates, Apache-2.0). Those third-party files are not
# kept in the repository: this project's machines and CI lay them out in a
# folder beside the clone, found here unless ASALAB_NTC_TEMPLATES names
# another (templates/ with its index, samples/).
export ASALAB_NTC_TEMPLATES ?= $(abspath $(CURDIR)/../shared/conformance/ntc-templates)

# .ci/deps installs the Debian packages the tests drive (Netmiko, Ansible,
# TextFSM) when they are missing and we are root.
test:
	@./.ci/deps
	$(GO) test -race -count=1 ./...

# Unit tests only: the tests that build headendd and headendctl and run
# them (with Netmiko and Ansible) are left out by name.
test-short:
	$(GO) test -count=1 -skip '^(TestEndToEnd|TestSSHClients$$|TestSSHConsoleDaemon$$)' ./...

# BREAKING_AGAINST is what `buf breaking` compares the API with: main, as
# this clone knows it (on main itself the check passes trivially; on a
# branch it catches a change that would break clients of main).
BREAKING_AGAINST ?= .git\#branch=main

lint: $(TOOLS)/buf
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags soak ./sim
	$(TOOLS)/buf lint
	@if git rev-parse --verify -q main >/dev/null; then \
	  $(TOOLS)/buf breaking --against '$(BREAKING_AGAINST)'; \
	else echo "buf breaking: no local branch main to compare with; skipped"; fi

proto: $(TOOLS)/buf $(TOOLS)/protoc-gen-go $(TOOLS)/protoc-gen-go-grpc
	$(TOOLS)/buf generate

# In-process benchmarks and the load measurements, each next to its
# baseline; long, not part of `make test`. The one-shot measurements run once.
bench:
	$(GO) test -run '^$$' -bench 'BareCAS|AdmitRelease|AdmitFill|AdmitRefused|SamplePeakIdle' -benchmem -count 3 ./headend/admission ./headend/asa
	$(GO) test -run '^$$' -bench 'OpenStore' -benchtime 30x ./sim
	$(GO) test -run '^$$' -bench 'AdvanceClockTimed' -benchtime 5x ./sim
	$(GO) test -run '^$$' -bench 'SmartYear|ASAvYear' -benchtime 1x -short ./sim
	$(GO) test -run '^$$' -bench 'SharedBlock' -benchmem ./sim
	$(GO) test -run '^$$' -bench 'SharedFleet30Days' -benchtime 1x ./sim
	$(GO) test -run '^$$' -bench 'WatchEvents|AdmitWithSubscribers' -benchtime 1x ./sim
	$(GO) test -run '^$$' -bench 'Reachable' -benchmem -count 3 ./sim
	$(GO) test -run '^$$' -bench 'Recover' -benchtime 30x ./sim/storefiles
	$(GO) test -run '^$$' -bench 'OpenLabs' -benchtime 5x ./sim/labs
	$(GO) test -run '^$$' -bench 'AdmitReleaseLabs' -benchmem -count 3 ./sim/labs
	$(GO) test -run '^$$' -bench 'DaemonStart100x100' -benchtime 5x ./cmd/headendd/daemon
	$(GO) test -run '^$$' -bench 'PerTest' -count 3 ./sim/labtest
	$(GO) test -run '^$$' -bench 'LabHour' -benchtime 10x ./sim/scenario
	$(GO) test -run '^$$' -bench 'ApplyLabFile1000' -benchtime 3x ./sim/labfile
	$(GO) test -run '^$$' -bench 'GRPC' -benchtime 1x ./cmd/headendd/server
	$(GO) test -run '^$$' -bench 'ExecLimit' -benchmem -benchtime 20x ./cmd/headendd/server
	$(GO) test -run '^$$' -bench 'UnaryInterceptor' -benchmem -count 3 ./cmd/headendd/auth
	$(GO) test -run '^$$' -bench 'Fleet|MillionSessions' -benchtime 1x ./cmd/headendd
	$(GO) test -run '^$$' -bench 'SSHRestart' -benchtime 1x ./cmd/headendd
	$(GO) test -run '^$$' -bench 'Send' -benchmem -count 3 ./sim/syslogout
	$(GO) test -run '^$$' -bench 'FleetPage10000' -benchmem -count 3 ./cmd/headendd/web

# Two simulated years of a 10,000-headend lab at 3,000 new users a day:
# resident memory and start-up at days 1, 30, 365 and 730, which must stay
# within 20% of day 30's. A few minutes; not part of `make test`.
soak:
	$(GO) test -tags soak -run '^TestSoak$$' -v -count=1 -timeout 30m ./sim

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseAndDecode -fuzztime 60s ./keygen

clean:
	rm -rf $(BIN) $(TOOLS)

$(TOOLS)/buf:
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)

$(TOOLS)/protoc-gen-go:
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

$(TOOLS)/protoc-gen-go-grpc:
	GOBIN=$(TOOLS) GOFLAGS= $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
