# The two set-up commands of the README:
#   make lab    open the course in JupyterLab (creates .venv on first use)
#   make test   run every test: unit, parity with PyTorch, widgets, browser, notebooks
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export TEACHTORCH_FAST ?= 1
# one BLAS thread per process: tests run two processes on two cores, and OpenBLAS
# threads fighting over cores slowed GEMMs 10-50x when measured here. (The notebooks
# do not need it: chapters/conftest.py and `teachtorch lab` pin their kernels' BLAS.)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: lab test test-lib test-notebooks bench chapters venv-lab venv-dev system-packages

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

venv-lab: $(BIN)/python
	$(BIN)/pip install -q -e '.[lab]'

venv-dev: $(BIN)/python
	# pip >= 26.2 reads build-environment constraints from PIP_BUILD_CONSTRAINT only
	PIP_CONSTRAINT=$(CURDIR)/tools/pip-constraints.txt \
	PIP_BUILD_CONSTRAINT=$(CURDIR)/tools/pip-constraints.txt \
		$(BIN)/pip wheel -q --no-deps -w $(VENV)/wheels visdom
	$(BIN)/pip install -q --find-links $(VENV)/wheels -e '.[dev,lab]'

lab: venv-lab
	$(BIN)/teachtorch lab

# graphviz, chromium and a CJK font with apt-get when root; otherwise the tests that
# need them are skipped and the end of each pytest run says so (conftest.py)
system-packages:
	@tools/system_packages.sh

# Library tests run in two processes (the machines have 2 cores); notebooks run after.
test: venv-dev system-packages
	$(BIN)/python -m pytest -q -n 2 --dist loadfile tests
	# the cuda halves again, on two simulated GPUs made of NumPy (test support:
	# tests/support/simulated_cupy, on PYTHONPATH for every process the tests start)
	PYTHONPATH=$(CURDIR)/tests/support$${PYTHONPATH:+:$$PYTHONPATH} \
		TEACHTORCH_FAKE_CUDA=2 $(BIN)/python -m pytest -q -m cuda tests
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --nbval \
		--nbval-sanitize-with chapters/nbval_sanitize.cfg chapters/*.ipynb
	# regression guard: fails only when a ratio to torch doubles against the baseline
	BENCH_THREADS=1 $(BIN)/python benchmarks/run.py --only ops mlp rnn --repeats 3 \
		--check benchmarks/baseline.json

bench: venv-dev
	$(BIN)/python benchmarks/run.py --others

# built in the environment nbval and `teachtorch lab` give the kernels (one BLAS
# thread, AVX2 kernels: teachtorch/_kernel_env.py), so the stored numbers reproduce
chapters: venv-dev
	PYTHONPATH=$(CURDIR)/tests/support$${PYTHONPATH:+:$$PYTHONPATH} \
		$(BIN)/python -m teachtorch._kernel_env $(BIN)/python tools/build_chapters.py
