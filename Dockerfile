# qai-graph: QAI's memory as a GraphQL service.
#
# Run it against a DynamoDB given by the environment:
#   docker run -p 8000:8000 -e QAI_MEMORY_DYNAMODB_ENDPOINT=http://dynamodb-local:8000 qai-graph
#   docker run -p 8000:8000 -e QAI_MEMORY_USE_AWS=true -e QAI_MEMORY_DYNAMODB_REGION=eu-west-1 \
#     -e AWS_ACCESS_KEY_ID=... -e AWS_SECRET_ACCESS_KEY=... qai-graph      (or a task/instance role)
# Listening on 0.0.0.0 needs API keys (QAI_MEMORY_API_KEYS="writer:<sha256>,...", made with
# `qai-graph api-key --role writer`): without keys the service is in development mode and
# refuses any address but loopback.
# With neither set it falls back to the embedded emulator, keeping data in
# /home/qai/data: mount a volume there or the memory dies with the container.
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
RUN pip install --no-deps --no-build-isolation .

RUN useradd --create-home --uid 10001 qai
USER qai
WORKDIR /home/qai
ENV QAI_MEMORY_DATA_DIR=/home/qai/data

EXPOSE 8000
# slim has no curl; /healthz says the process is up (use /readyz for the table).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# uvicorn turns SIGTERM (docker stop) into a graceful shutdown.
CMD ["qai-graph", "serve", "--host", "0.0.0.0"]
