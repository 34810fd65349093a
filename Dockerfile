# qai-graph: QAI's memory as a GraphQL service. deploy/README.md ("Docker") has the
# commands to build and run it, keys included; in short:
#   docker build -t qai-graph .
#   docker run --rm qai-graph qai-graph api-key --role writer     # a key and its entry
#   docker run -p 8000:8000 -v qai-data:/home/qai/data -e QAI_MEMORY_API_KEYS="writer:<sha256>" qai-graph
# Listening on 0.0.0.0 needs API keys: without them the service is in development mode
# and refuses any address but loopback, so the container would exit.
# With no QAI_MEMORY_DYNAMODB_ENDPOINT and no QAI_MEMORY_USE_AWS=true it runs the embedded
# emulator, keeping the memory in the volume at /home/qai/data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The dependencies from the lock (exact versions, every file checked against its hash;
# scripts/lock refreshes it), in a layer of their own that a code change keeps; then
# the package itself, building with the lock's setuptools and resolving nothing.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY qai_graph ./qai_graph
# The package, then the user and its data directory, made and owned before VOLUME
# declares it: a new named volume starts as a copy of the image's directory, owner
# included, so it comes up writable by the service (a bind mount keeps the host's owner:
# chown it to 10001 there).
RUN pip install --no-deps --no-build-isolation . \
    && useradd --create-home --uid 10001 --user-group qai \
    && mkdir /home/qai/data \
    && chown 10001:10001 /home/qai/data

USER 10001:10001
WORKDIR /home/qai
ENV QAI_MEMORY_DATA_DIR=/home/qai/data
VOLUME ["/home/qai/data"]

EXPOSE 8000
# /healthz answers once the process is up, and uvicorn listens only when start-up is
# done: the embedded store restored and the recall index built from a Scan of the whole
# table (bench/RESULTS.md: within 2 minutes at 218,409 items on a 2-core machine).
# Failed probes in the start period do not count, and the first success ends it: raise
# it if start-up takes longer. /readyz checks the table (for a load balancer). slim has
# no curl: Python probes.
HEALTHCHECK --interval=10s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# uvicorn turns SIGTERM (docker stop) into a graceful shutdown.
CMD ["qai-graph", "serve", "--host", "0.0.0.0"]
