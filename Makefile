# Signpost. `make run` serves the sample directory; `make test` is what CI runs.
GO      ?= go
BIN     := bin/signpost
DATA    ?= ./var
ADDR    ?= 127.0.0.1:8080
FUZZTIME ?= 30s

.PHONY: all build run test vet fmt-check bench bench-1m fuzz fuzz-ci fuzz-each load clean basemap screenshots sample

all: build

build:
	$(GO) build -o $(BIN) ./cmd/signpost

run: build
	./$(BIN) serve --addr $(ADDR) --data $(DATA)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.ci/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test: fmt-check vet
	$(GO) test -count=1 ./...
	$(MAKE) fuzz-ci

# Benchmarks print figures; they never fail on a time. See BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 30m ./engine/...

# Every fuzz target for FUZZTIME each (default 30s); `make fuzz-ci` runs each for 10,000 inputs.
# Crashers land in the package's testdata/fuzz and become regression tests.
fuzz:
	@$(MAKE) --no-print-directory fuzz-each FUZZTIME=$(FUZZTIME)

# CI counts executions rather than seconds: Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" when a -fuzztime duration
# ends while a worker is mid-input (golang/go#75804, fixed in Go 1.27), and
# a count has no deadline to race.
fuzz-ci:
	@$(MAKE) --no-print-directory fuzz-each FUZZTIME=10000x

fuzz-each:
	@found=0; \
	for dir in $$($(GO) list -f '{{.Dir}}' ./...); do \
	  for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    found=1; echo "fuzz: $$target in $${dir#$$PWD/} for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$dir || exit 1; \
	  done; \
	done; \
	[ $$found = 1 ] || echo "fuzz: no fuzz targets yet"

# Load: 100k generated services, 32 readers for 30 s while a provider edits
# and an admin approves. Figures go in BENCHMARKS.md. Data is kept in
# tmp/load between runs; `make clean` removes it.
LOAD := tmp/load
LOAD_ADDR := 127.0.0.1:18181
load: build
	$(GO) build -o bin/signpost-load ./cmd/signpost-load
	@mkdir -p $(LOAD)
	@[ -f $(LOAD)/gen.ndjson ] || ./$(BIN) gen --n 100000 --seed 1 --out $(LOAD)/gen.ndjson
	@if [ ! -f $(LOAD)/var/signpost.db ]; then \
	  ./$(BIN) import --data $(LOAD)/var $(LOAD)/gen.ndjson && \
	  org=$$(head -1 $(LOAD)/gen.ndjson | grep -o '"organization_id":"[^"]*"' | head -1 | cut -d'"' -f4) && \
	  echo load-provider-password | ./$(BIN) user add --data $(LOAD)/var --email provider@example.org --role provider --org $$org && \
	  echo load-admin-password | ./$(BIN) user add --data $(LOAD)/var --email admin@example.org --role admin; \
	fi
	@./$(BIN) serve --data $(LOAD)/var --addr $(LOAD_ADDR) --no-sample 2>$(LOAD)/serve.log & pid=$$!; \
	for i in $$(seq 1 600); do curl -fs http://$(LOAD_ADDR)/healthz >/dev/null 2>&1 && break; sleep 1; done; \
	echo "index segments at start: $$(ls $(LOAD)/var/index/store | grep -c '\.zap$$')"; \
	./bin/signpost-load --base http://$(LOAD_ADDR) --clients 32 --duration 30s --pid $$pid --stall 10s \
	  --provider provider@example.org:load-provider-password --admin admin@example.org:load-admin-password; \
	status=$$?; kill -TERM $$pid; wait $$pid; \
	echo "index segments at the end: $$(ls $(LOAD)/var/index/store | grep -c '\.zap$$')"; exit $$status

# A million generated services on this machine (issue 24; not in CI): gen,
# import, index build, start-up on the existing index and probe queries,
# with times, CPU and RssAnon, against the targets. Needs about 25 GB of
# free disk, checked first; what it makes in tmp/bench-1m is removed
# afterwards unless BENCH1M_FLAGS=--keep (then --reuse skips gen and import).
# BENCHMARKS.md holds the figures.
BENCH1M_FLAGS ?=
bench-1m: build
	$(GO) build -o bin/signpost-bench1m ./cmd/signpost-bench1m
	./bin/signpost-bench1m --bin $(BIN) --dir tmp/bench-1m $(BENCH1M_FLAGS)

# The maps' land, made once from OpenStreetMap data on the npm registry and
# committed (data/BASEMAP-LICENSE says how); nothing fetches it at run time.
basemap:
	$(GO) run ./cmd/signpost-basemap --gazetteer data/gazetteer.csv --out data/basemap.geojson

# Browser screenshots of every page at 1280 and 375 px into
# web/testdata/screenshots (not committed); the README's are copied to
# web/testdata/. Needs chromium.
screenshots:
	SIGNPOST_SCREENSHOTS=$(CURDIR)/web/testdata/screenshots $(GO) test -count=1 -run '^TestBrowser$$/^screenshots$$' ./web/
	SIGNPOST_SCREENSHOTS=$(CURDIR)/web/testdata/screenshots $(GO) test -count=1 -run '^TestBrowserInsights$$' ./web/
	cp web/testdata/screenshots/readme-search.png web/testdata/search.png
	cp web/testdata/screenshots/readme-crisis-panel.png web/testdata/crisis-panel.png
	for f in web/testdata/screenshots/readme-map-*.png; do cp $$f web/testdata/$${f##*/readme-}; done

clean:
	rm -rf bin tmp

# The sample directory's access features, derived from its accessibility
# notes and directions (cmd/signpost-sample says how); run again after
# editing the sample's text, and commit the result.
sample:
	$(GO) run ./cmd/signpost-sample
