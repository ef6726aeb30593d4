.PHONY: run setup test bench lock
run:        ## set up, load demo data, run web + worker
	scripts/run.sh
setup:      ## install system packages, Python deps, migrate
	scripts/setup.sh
test:       ## lint, types, migrations check, all tests
	scripts/test.sh
bench:      ## benchmarks; figures go to var/benchmarks/
	.venv/bin/python tests/benchmarks/run_all.py
lock:       ## re-resolve requirements.lock from pyproject.toml (uv goes into .venv)
	.venv/bin/python -m pip install -q uv
	.venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
