# syntax=docker/dockerfile:1
# Streaming Runnables Lab as one container: the Streamlit app, which starts its embedded
# OpenAI-compatible simulator (and the FastAPI lesson server) itself on 127.0.0.1 inside the
# container, so the image needs no API key and runs no second process.
#
#   docker build -t streaming-runnables-lab .
#   docker run --rm -p 127.0.0.1:8501:8501 streaming-runnables-lab
#
# Several replicas behind HAProxy: deploy/compose.yaml; a cluster: deploy/k8s/.
FROM python:3.11-slim-bookworm

# No .pyc files in layers (the app user could not write them next to root-owned sources anyway),
# unbuffered logs for `docker logs`, and no pip cache or version check in the image.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A fixed uid, so Kubernetes' runAsNonRoot can check it (deploy/k8s/deployment.yaml runs as 10001).
RUN useradd --create-home --uid 10001 --user-group streamlab

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes, not for every
# lesson edit. Runtime requirements only (no test tools, no browser).
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The app itself, owned by root and read-only for the app user. .dockerignore lets in only these
# paths: never .streamlit/secrets.toml, .env, the venv or test artefacts, so no key is baked in.
COPY app.py ./
COPY .streamlit/config.toml .streamlit/config.toml
COPY components components
COPY lessons lessons
COPY streamlab streamlab

# Numeric, so Kubernetes can check runAsNonRoot without reading the image's /etc/passwd.
USER 10001:10001

# The latency lab's SQLite history, per replica, in the app user's home (shared class data goes
# to the board database named by STREAMLAB_BOARD_URL, set by compose or the cluster).
ENV STREAMLAB_DB=/home/streamlab/experiments.sqlite3

# .streamlit/config.toml pins the app to 127.0.0.1, the right default on a laptop. Inside a
# container that address is unreachable from a published port or a proxy, so here the app listens
# on every interface of the container: the container network is the boundary, and the host decides
# who reaches it (`-p 127.0.0.1:8501:8501`; deploy/compose.yaml publishes only the proxy).
# The embedded simulator and lesson servers still bind 127.0.0.1 inside the container.
ENV STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501

# Named so Streamlit prints it instead of asking checkip.amazonaws.com for a public address (the
# app fetches nothing online); the address people open is whatever publishes the container.
ENV STREAMLIT_BROWSER_SERVER_ADDRESS=localhost

EXPOSE 8501

# Streamlit's own health endpoint, the one HAProxy and Kubernetes probe too. The slim image has no
# curl: Python is there already. start-period covers importing langchain, langgraph and pandas.
# (podman/buildah keep it only with `--format docker`: the OCI image format has no HEALTHCHECK.)
HEALTHCHECK --interval=15s --timeout=3s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2)"]

CMD ["python", "-m", "streamlit", "run", "app.py"]
