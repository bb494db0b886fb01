# Rightsdesk. `make run` serves the portal with demo data on SQLite; `make test` runs every test
# (PostgreSQL at 127.0.0.1:5432 and Debian's chromium are required, see README).

GO ?= go
PKGS = ./...

.PHONY: run test bench bench-intake bench-letters generate check build clean

run: ## serve http://127.0.0.1:8080 with demo data on the embedded SQLite file under ./data
	$(GO) run ./cmd/rightsdesk serve --demo

test: ## unit, integration (SQLite and PostgreSQL), SMTP and browser tests
	$(GO) test -count=1 -race -timeout 45m $(PKGS)

bench: ## speed goals as Go benchmarks
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

bench-intake: ## filing through the portal vs a bare baseline on PostgreSQL, at 1, 8 and 32 clients
	RIGHTSDESK_BENCH_INTAKE=1 $(GO) test -run '^$$' -bench BenchmarkIntake -benchtime 1x -timeout 30m ./internal/intakebench

bench-letters: ## drain 5,000 queued letters to an in-process SMTP server (PostgreSQL, then SQLite), against bare go-mail
	RIGHTSDESK_BENCH_LETTERS=1 $(GO) test -run '^$$' -bench BenchmarkLetters -benchtime 1x -timeout 20m -v ./jobs/

generate: ## regenerate the templ views (the generated code is committed)
	$(GO) tool templ generate

check: ## what CI checks besides the tests
	$(GO) tool templ generate -check
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt would change the files above"; exit 1; }
	$(GO) vet $(PKGS)

build: ## a static binary in bin/
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/rightsdesk ./cmd/rightsdesk

clean:
	rm -rf bin
