# Lookout: the bot in a virtual environment, run as a non-root user, the database on a volume.
# Without TELEGRAM_BOT_TOKEN it starts the sandbox (web chat on port 8080).
# Offline build: `pip wheel -w wheels -c constraints.txt .` on the host first (same Python
# minor version as the base); the build then installs Lookout and its dependencies from
# ./wheels without reaching an index. `.ci/container-check` builds and runs it this way, with
# Lookout's own wheel built compiled (LOOKOUT_COMPILE=1, setup.py: the hot path as mypyc C
# extensions, since the base has no C compiler); a plain wheel runs the same code as Python.
# The base needs python3 with venv and useradd: python:3.11-slim, or Debian bookworm with
# python3-venv (Debian has `python3` but no `python`, so everything here says python3).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="lookout" \
      org.opencontainers.image.description="Telegram bot: news alerts for regions and watch terms" \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/lookout \
    PATH=/opt/lookout/bin:$PATH

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY seeds ./seeds
COPY wheels ./wheels/

# With a wheelhouse, Lookout's own wheel is in it too, so nothing is built and no index is
# needed; without one, pip builds the package here and fetches the pinned dependencies.
# The sources go once installed: from /app, `python3 -m bot` would import them, not the
# installed package (whose wheel may carry the compiled modules).
RUN python3 -m venv /opt/lookout \
    && if ls wheels/lookout-*.whl >/dev/null 2>&1; then \
         pip install --no-cache-dir --no-index --find-links wheels wheels/lookout-*.whl ; \
       else \
         pip install --no-cache-dir -c constraints.txt . ; \
       fi \
    && rm -rf wheels build ./*.egg-info bot \
    && useradd --create-home --uid 10001 lookout \
    && mkdir -p /data \
    && chown 10001 /data

USER 10001
VOLUME ["/data"]
EXPOSE 8080
# The sandbox listens on all interfaces inside the container; the database lives on the volume.
ENV LOOKOUT_DATABASE=/data/lookout.sqlite3 \
    LOOKOUT_SANDBOX_HOST=0.0.0.0

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

CMD ["python3", "-m", "bot", "run"]
