# minicloud — the two commands a new user needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE_MODULES_STAMP := node_modules/.package-lock.json
VITEST := node_modules/.bin/vitest

.PHONY: docs help setup deps build typecheck lint run test test-unit test-netns test-vm images bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install host packages (root) and npm dependencies
	./scripts/install-host-packages.sh
	$(MAKE) deps

deps: $(NODE_MODULES_STAMP)
$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

build: deps ## compile TypeScript to dist/
	npx tsc -p tsconfig.build.json

typecheck: deps ## type-check src, test and bench
	npx tsc -p tsconfig.json

lint: deps ## ESLint (type-checked rules, zero warnings), the dependency rule (.dependency-cruiser.cjs), dead exports (knip)
	npx eslint --max-warnings 0 .
	npx depcruise src
	npx knip

run: setup build ## set up the host, build minicirros, `minicloud up` with one minicirros instance (README.md)
	$(MAKE) -C vm-images minicirros
	node dist/cli/main.js up --netns minicloud --config fixtures/minicloud.example.yaml

test: build typecheck lint ## lint, then every tier: unit, netns (root), vm (root; builds vm-images first)
	$(MAKE) images
	$(VITEST) run

test-unit: build ## unit tier only (no root)
	$(VITEST) run --project unit

test-netns: build ## netns tier only (root)
	$(VITEST) run --project netns

test-vm: build images ## vm tier only (root; boots guests)
	$(VITEST) run --project vm

images: ## build the test guest images into vm-images/out (cached in ~/.cache/minicloud)
	$(MAKE) -C vm-images

bench: build ## run the benchmarks under bench/
	@for b in bench/*/run.sh; do echo "== $$b"; bash $$b; done

clean: ## remove build output (not the image cache)
	rm -rf dist

docs: deps ## regenerate docs derived from code (docs/errors.md, docs/*.schema.json)
	npx tsx scripts/generate-docs.ts
