# Lookout: the bot in a virtual environment, run as a non-root user, the database on a volume.
# Without TELEGRAM_BOT_TOKEN it starts the sandbox (web chat on port 8080).
# Offline build: `pip wheel -w wheels -c constraints.txt .` on the host first; the build then
# installs from ./wheels without reaching an index.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/lookout \
    PATH=/opt/lookout/bin:$PATH

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY config ./config
COPY seeds ./seeds
COPY wheels ./wheels/

RUN python3 -m venv /opt/lookout \
    && if ls wheels/*.whl >/dev/null 2>&1; then \
         pip install --no-cache-dir --no-index --find-links wheels . ; \
       else \
         pip install --no-cache-dir -c constraints.txt . ; \
       fi \
    && rm -rf wheels \
    && useradd --system --create-home --uid 10001 lookout \
    && mkdir -p /data \
    && chown lookout /data

USER lookout
VOLUME ["/data"]
EXPOSE 8080
# The sandbox listens on all interfaces inside the container; the database lives on the volume.
ENV LOOKOUT_DATABASE=/data/lookout.sqlite3 \
    LOOKOUT_SANDBOX_HOST=0.0.0.0

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]

CMD ["python3", "-m", "bot", "run"]
