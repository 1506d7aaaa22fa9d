# Two commands set everything up: `make demo` renders the sample article, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-neural bench-intelligibility bench-number-clarity bench-cluster bench-batch bench-batch-neural bench-soak bench-newsroom bench-scaling bench-long venv wheel-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,neural,cluster]'
	$(BIN)/python -m compileall -q pipeline  # as pip does for a wheel (benchmarks compile again what changed)
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/article-audio render --page
	$(BIN)/article-audio render --page --engine piper -o audio_out/sample_article_piper.mp3

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-neural: $(STAMP)
	$(BIN)/python benchmarks/neural_render.py

bench-intelligibility: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/intelligibility.py

bench-number-clarity: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/number_clarity.py

bench-cluster: $(STAMP)
	$(BIN)/python benchmarks/cluster_bench.py

bench-batch: $(STAMP)
	$(BIN)/python benchmarks/batch_bench.py

bench-batch-neural: $(STAMP)
	$(BIN)/python benchmarks/batch_bench.py --engine piper --articles 8

bench-soak: $(STAMP)
	$(BIN)/python benchmarks/batch_soak.py

bench-newsroom: $(STAMP)
	$(BIN)/python benchmarks/newsroom_eval.py

bench-scaling: $(STAMP)
	$(BIN)/python benchmarks/normalization_scaling.py

bench-long: $(STAMP)
	$(BIN)/python benchmarks/long_render.py

# The wheel a user installs, in a fresh virtual environment, renders the sample: a package file left out of
# the wheel fails here instead of on a user's machine.
WHEEL_CHECK := build/wheel-check
wheel-check: $(STAMP)
	rm -rf $(WHEEL_CHECK)
	$(BIN)/python -m pip wheel --quiet --no-deps -w $(WHEEL_CHECK)/dist .
	$(PYTHON) -m venv $(WHEEL_CHECK)/venv
	$(WHEEL_CHECK)/venv/bin/python -m pip install --quiet $(WHEEL_CHECK)/dist/*.whl
	cd $(WHEEL_CHECK) && venv/bin/article-audio render --page -o out/ && venv/bin/article-audio render --format ogg -o out/ogg/
	test -s $(WHEEL_CHECK)/out/sample_article.mp3 && test -s $(WHEEL_CHECK)/out/sample_article.vtt && test -s $(WHEEL_CHECK)/out/ogg/sample_article.ogg
	grep -q "customElements.define" $(WHEEL_CHECK)/out/sample_article.html  # the player's files are in the wheel
	@echo "wheel-check: the installed wheel rendered the sample"

clean:
	rm -rf $(VENV) build *.egg-info
