# Shortcuts for the README's commands; `python3 dev.py ...` needs nothing but Python.
# `make container` builds the Docker image with podman and runs it (root; see .ci/container-check).
.PHONY: run test bench container
run:
	python3 dev.py run
test:
	python3 dev.py test
bench:
	python3 dev.py bench
container:
	bash .ci/container-check
