# rnndyn — two commands do all set-up on a fresh Debian machine: `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev liblapacke-dev pkg-config
SLURM_PACKAGES := slurm-wlm munge
export OPENBLAS_NUM_THREADS ?= 1

PYTHON ?= python3
# Pinned test dependencies of the Python package (from PyPI into python/.venv-test).
PYTEST_PINS := numpy==2.4.6 pytest==9.0.3

.PHONY: all deps slurm-deps slurm-start slurm-stop build demo test python python-test bench clean

all: build

# Installs what is missing: the system libraries (OpenBLAS, LAPACKE, pkg-config) and Python's venv module (python3-venv,
# for the Python package's test environment).
deps:
	@missing=""; \
	if pkg-config --exists openblas lapacke 2>/dev/null; then echo "deps: openblas and lapacke found via pkg-config"; \
	else missing="$(APT_PACKAGES)"; fi; \
	if $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then echo "deps: $(PYTHON) has venv and ensurepip"; \
	else missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
	    echo "deps: need root (or sudo) to run: apt-get install -y$$missing" >&2; exit 1; fi; \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "deps: apt-get not found; install OpenBLAS, LAPACKE, pkg-config and Python's venv with your package manager" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing \
	    || { echo "deps: apt-get install$$missing failed" >&2; exit 1; }; \
	  pkg-config --exists openblas lapacke || { echo "deps: pkg-config still cannot find openblas/lapacke" >&2; exit 1; }; \
	fi

# Installs Debian's Slurm and munge (for `rnndyn sweep --slurm` against a one-node cluster: scripts/slurm-local.sh).
slurm-deps:
	@if command -v sbatch >/dev/null 2>&1 && command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then \
	  echo "slurm-deps: slurm-wlm and munge found"; \
	else \
	  echo "slurm-deps: installing $(SLURM_PACKAGES)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; else \
	    echo "slurm-deps: need root (or sudo) to run: apt-get install -y $(SLURM_PACKAGES)" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SLURM_PACKAGES) \
	    || { echo "slurm-deps: apt-get install $(SLURM_PACKAGES) failed" >&2; exit 1; }; \
	fi

# A one-node Slurm cluster on this machine (as root); `make test` then runs the Slurm tests too.
slurm-start: slurm-deps
	bash scripts/slurm-local.sh start

slurm-stop:
	bash scripts/slurm-local.sh stop

build: deps
	$(SWIFT) build -c release --product rnndyn

# Every figure of every registered paper at the quick preset into out/<paper>/ (runs and report.html), then
# out/index.html linking the reports (its path is printed last). Interrupted? Run it again: finished figures are kept.
demo: build
	.build/release/rnndyn reproduce all --quick --out out

# The Swift tests, then the Python package's tests (pytest) against the debug library and CLI just built.
test: deps
	$(SWIFT) test
	$(MAKE) --no-print-directory python-test

python-test: deps
	$(SWIFT) build --product RNNDynC
	$(SWIFT) build --product rnndyn
	test -x python/.venv-test/bin/python || $(PYTHON) -m venv python/.venv-test
	python/.venv-test/bin/python -m pip install -q --disable-pip-version-check $(PYTEST_PINS)
	RNNDYN_LIBRARY=.build/debug/libRNNDynC.so RNNDYN_CLI=.build/debug/rnndyn python/.venv-test/bin/python -m pytest python/tests -q

# rnndyn for Python: builds the library and CLI in release mode and installs the package into python/.venv
# (then `. python/.venv/bin/activate`; `pip install ./python` does the same into any environment).
python: deps
	test -x python/.venv/bin/python || $(PYTHON) -m venv python/.venv
	python/.venv/bin/python -m pip install --disable-pip-version-check ./python
	@echo "rnndyn for Python: . python/.venv/bin/activate; python -c 'import rnndyn; print(rnndyn.version())'"

# rnndyn against its Python peers, one BLAS thread each; see BENCHMARKS.md. `make bench SECTIONS=integrate` runs
# only some sections (gd, ntk, sweep, integrate, tanh, pif, dsa, python, slurm).
bench: deps
	$(SWIFT) build -c release --product rnndyn-bench
	$(SWIFT) build -c release --product rnndyn
	$(SWIFT) build -c release --product RNNDynC
	bash bench/run.sh $(SECTIONS)

clean:
	rm -rf .build out python/.venv-test python/build
