"""The deployment files agree with the code, checked without Docker or Kubernetes.

compose.yaml, .env.example, infra/Containerfile, .dockerignore, infra/k8s/*.yaml and the NATS
and PostgreSQL files are parsed (PyYAML and the standard library only) and compared with
what the services read: their modules, settings (servicekit/settings.py and
services/<name>/settings.py), ports, health endpoints and durable consumer names.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
K8S = INFRA / "k8s"

SERVICES = {"web": 8000, "plan": 8001, "nomination": 8002, "notification": 8003, "reporting": 8004}
REQUIRED_SECRETS = ("POSTGRES_PASSWORD", "TDKT_JWT_SECRET")

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}, ${VAR:+x}
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_yaml_all(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml(ROOT / "compose.yaml")


@pytest.fixture(scope="module")
def compose_text() -> str:
    return (ROOT / "compose.yaml").read_text(encoding="utf-8")


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The compose services that run one of our modules, by service name."""
    return {name: spec for name, spec in compose["services"].items()
            if any(str(part).startswith("services.") for part in spec.get("command") or [])}


def module_of(command: list[str]) -> str:
    modules = [part for part in command if part.startswith("services.")]
    assert len(modules) == 1, f"command {command} must name exactly one services.<name> module"
    return modules[0]


def module_path(module: str) -> Path:
    return ROOT.joinpath(*module.split("."))


def env_example() -> tuple[set[str], set[str]]:
    """(variables set on active lines, variables mentioned on commented `# VAR=` lines)."""
    active, commented = set(), set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=", line):
            active.add(match.group(1))
        elif match := re.match(r"^#\s*([A-Za-z_][A-Za-z0-9_]*)=", line):
            commented.add(match.group(1))
    return active, commented


def _class_fields(source: str) -> list[tuple[str, str]]:
    """(field name, rest of the line) for annotated fields at class-body indentation."""
    return re.findall(r"^    ([a-z_][a-z0-9_]*)\s*:\s*(.*)$", source, flags=re.MULTILINE)


def known_settings() -> set[str]:
    """Every TDKT_* environment variable a service reads (from the settings sources)."""
    base = (ROOT / "servicekit" / "settings.py").read_text(encoding="utf-8")
    shared = {f"TDKT_{name}" for name in re.findall(r'_shared\("([A-Z0-9_]+)"', base)}
    assert {"TDKT_PG_DSN", "TDKT_NATS_URL", "TDKT_JWT_SECRET"} <= shared, "settings parser broke"
    own = [name for name, rest in _class_fields(base) if "_shared(" not in rest]
    names = set(shared)
    for service in SERVICES:
        fields = list(own)
        settings = ROOT / "services" / service / "settings.py"
        if settings.exists():
            source = settings.read_text(encoding="utf-8")
            prefix = re.search(r'env_prefix="([A-Z_]+)"', source)
            assert prefix and prefix.group(1) == f"TDKT_{service.upper()}_", (
                f"{settings}: env_prefix must be TDKT_{service.upper()}_ (compose and k8s use it)")
            fields += [name for name, _ in _class_fields(source) if name != "model_config"]
        names |= {f"TDKT_{service.upper()}_{field.upper()}" for field in fields}
    return names


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, args = current.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        current = ""
    assert not current, f"{path}: dangling line continuation"
    return instructions


def dockerignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, enough for top-level paths: the last matching pattern wins, ! re-includes."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        bare = pattern.lstrip("!").rstrip("/")
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, bare) for prefix in prefixes):
            ignored = not negate
    return ignored


def k8s_documents() -> list[tuple[Path, dict[str, Any]]]:
    docs: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name in {"kustomization.yaml", "nats-values.yaml"}:
            continue
        docs.extend((path, doc) for doc in load_yaml_all(path))
    return docs


def deployments() -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for _, doc in k8s_documents() if doc["kind"] == "Deployment"}


def uncommented(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# ---------------------------------------------------------------------------------------
# compose.yaml
# ---------------------------------------------------------------------------------------

def test_compose_runs_the_five_services_with_their_modules(compose: dict[str, Any]) -> None:
    services = app_services(compose)
    assert set(services) == set(SERVICES)
    for name, spec in services.items():
        assert spec["command"] == [f"services.{name}"], name
        assert spec["build"]["dockerfile"] == "infra/Containerfile", name
        assert spec["build"]["context"] == ".", name
    assert {"postgres", "nats"} <= set(compose["services"])


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_compose_command_names_an_existing_module(compose: dict[str, Any], service: str) -> None:
    module = module_of(compose["services"][service]["command"])
    path = module_path(module)
    assert path.is_dir(), f"{module}: no package {path.relative_to(ROOT)}"
    assert (path / "__main__.py").is_file(), f"{module}: no {path.relative_to(ROOT)}/__main__.py"


ONE_SHOT = {"migrate"}  # steps that run to completion before the services start


def test_every_compose_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, spec in compose["services"].items():
        if name in ONE_SHOT:
            continue
        check = spec.get("healthcheck")
        assert check, f"{name}: no healthcheck"
        if check.get("disable"):
            # Only an optional (profiled) service that nothing depends on may go without.
            assert spec.get("profiles"), f"{name}: healthcheck disabled on a default service"
            for other, other_spec in compose["services"].items():
                assert name not in (other_spec.get("depends_on") or {}), f"{other} depends on {name}"
            continue
        assert check.get("test"), f"{name}: healthcheck without test"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert check.get("interval") and check.get("retries"), name


def test_app_services_probe_their_own_healthz(compose: dict[str, Any]) -> None:
    for name, spec in app_services(compose).items():
        port = SERVICES[name]
        command = " ".join(spec["healthcheck"]["test"])
        assert "python" in command, f"{name}: the slim image has no curl; probe with python"
        assert f"127.0.0.1:{port}/healthz" in command, f"{name}: healthcheck must poll its /healthz"


def test_app_services_wait_for_healthy_dependencies(compose: dict[str, Any]) -> None:
    for name, spec in app_services(compose).items():
        depends = spec.get("depends_on")
        assert isinstance(depends, dict), f"{name}: depends_on must be the long form with conditions"
        assert {"migrate", "nats"} <= set(depends), name
        for dependency, condition in depends.items():
            if dependency in ONE_SHOT:
                assert condition.get("condition") == "service_completed_successfully", f"{name} -> {dependency}"
                continue
            assert condition.get("condition") == "service_healthy", f"{name} -> {dependency}"
            assert compose["services"][dependency].get("healthcheck"), dependency
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["tdkt.cli", "migrate"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_long_running_services_restart(compose: dict[str, Any]) -> None:
    for name, spec in compose["services"].items():
        if name in ONE_SHOT:
            assert spec.get("restart") == "no", name
            continue
        assert spec.get("restart") in {"always", "unless-stopped", "on-failure"}, name


def test_app_services_listen_everywhere_on_their_published_port(compose: dict[str, Any]) -> None:
    for name, spec in app_services(compose).items():
        env = spec["environment"]
        port = SERVICES[name]
        prefix = f"TDKT_{name.upper()}_"
        assert env[f"{prefix}HOST"] == "0.0.0.0", name
        assert str(env[f"{prefix}PORT"]) == str(port), name
        published = [str(p) for p in spec["ports"]]
        assert any(p.endswith(f":{port}:{port}") or p == f"{port}:{port}" for p in published), name


def test_app_services_share_the_database_bus_and_identity(compose: dict[str, Any]) -> None:
    for name, spec in app_services(compose).items():
        env = spec["environment"]
        up = name.upper()
        assert env["TDKT_PG_DSN"] == "postgresql://postgres:5432/postgres", f"{name}: no superuser at run time"
        assert env[f"TDKT_{up}_PG_USER"] == f"tdkt_{name}", name
        assert env[f"TDKT_{up}_PG_PASSWORD"] == f"${{TDKT_{up}_PG_PASSWORD:?Variable not set}}", name
        assert env["TDKT_NATS_URL"] == "nats://nats:4222", name
        assert env[f"TDKT_{up}_NATS_USER"] == name, name
        assert env[f"TDKT_{up}_NATS_PASSWORD"] == f"${{TDKT_NATS_{up}_PASSWORD:?Variable not set}}", name
        assert env["TDKT_AUDIT_KEY"] == "${TDKT_AUDIT_KEY:?Variable not set}", name
        assert env["TDKT_JWT_SECRET"] == "${TDKT_JWT_SECRET:?Variable not set}", name
        assert str(env["TDKT_STREAM_REPLICAS"]) == "1", f"{name}: one NATS server in compose"


def test_required_secrets_are_never_defaulted(compose_text: str) -> None:
    for variable in REQUIRED_SECRETS:
        uses = [m for m in INTERPOLATION.finditer(compose_text) if m.group(1) == variable]
        assert uses, f"{variable} is not used in compose.yaml"
        for use in uses:
            assert use.group(2) == ":?", f"{use.group(0)}: a required secret must be ${{{variable}:?...}}"
    assert not re.search(r"\$(?!\{)[A-Za-z_]", compose_text), "use ${VAR}, not $VAR, in compose.yaml"


def test_every_compose_variable_is_documented_in_env_example(compose_text: str) -> None:
    active, commented = env_example()
    used = {m.group(1) for m in INTERPOLATION.finditer(compose_text)}
    missing = used - active - commented
    assert not missing, f"variables used by compose.yaml but not in .env.example: {sorted(missing)}"
    for variable in REQUIRED_SECRETS:
        assert variable in active, f"{variable} must be an active (uncommented) line of .env.example"


def test_every_tdkt_variable_is_in_env_example_or_has_a_default(
    compose: dict[str, Any], compose_text: str
) -> None:
    active, commented = env_example()
    documented = active | commented
    for match in INTERPOLATION.finditer(compose_text):
        name, operator = match.group(1), match.group(2)
        if name.startswith("TDKT_"):
            has_default = operator in {":-", "-"}
            assert name in documented or has_default, f"{match.group(0)}: not in .env.example, no default"
    for service, spec in app_services(compose).items():
        for key, value in spec["environment"].items():
            if not key.startswith("TDKT_"):
                continue
            refs = INTERPOLATION.findall(str(value))
            # A literal value is its own default; a bare ${VAR} must be documented.
            for ref, operator, _ in refs:
                assert operator in {":-", "-", ":?", "?"} or ref in documented, f"{service}: {key}"


def test_compose_sets_only_settings_the_services_read(compose: dict[str, Any]) -> None:
    known = known_settings()
    for service, spec in app_services(compose).items():
        unknown = {key for key in spec["environment"] if key.startswith("TDKT_")} - known
        assert not unknown, f"{service}: compose sets settings no service reads: {sorted(unknown)}"


def test_nats_runs_jetstream_with_fsync_always(compose: dict[str, Any]) -> None:
    nats = compose["services"]["nats"]
    mounts = [str(v) for v in nats["volumes"]]
    assert any(v.startswith("./infra/nats/nats-server.conf:") for v in mounts), mounts
    assert any(v.endswith(":/data") for v in mounts), "JetStream store_dir /data must be a volume"
    assert "8222" in " ".join(str(p) for p in nats.get("ports", [])), "monitoring port 8222"
    assert "/healthz?js-enabled-only=true" in " ".join(nats["healthcheck"]["test"])
    conf = uncommented((INFRA / "nats" / "nats-server.conf").read_text(encoding="utf-8"))
    assert re.search(r"jetstream\s*\{[^}]*store_dir:\s*/data", conf)
    assert re.search(r"jetstream\s*\{[^}]*sync_interval:\s*always", conf)
    assert re.search(r"http_port:\s*8222", conf)


def test_postgres_keeps_its_data_in_a_volume(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    volumes = [str(v) for v in postgres["volumes"]]
    major = postgres["image"].split(":")[1].split(".")[0].split("-")[0]
    # PostgreSQL 18+ images: data lives under /var/lib/postgresql/<major>/docker.
    target = "/var/lib/postgresql" if major.isdigit() and int(major) >= 18 else "/var/lib/postgresql/data"
    assert any(v.split(":")[1] == target for v in volumes), volumes
    assert volumes[0].split(":")[0] in (compose.get("volumes") or {}), "a named volume"


def test_otel_collector_is_optional_and_configured(compose: dict[str, Any]) -> None:
    collector = compose["services"]["otel-collector"]
    assert collector["profiles"] == ["observability"]
    assert any(str(v).startswith("./infra/otel-collector.yaml:") for v in collector["volumes"])
    config = load_yaml(INFRA / "otel-collector.yaml")
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    assert "debug" in config["exporters"]
    assert config["service"]["pipelines"]["traces"]["receivers"] == ["otlp"]
    assert "debug" in config["service"]["pipelines"]["traces"]["exporters"]
    for name, spec in app_services(compose).items():
        assert spec["environment"]["TDKT_OTLP_ENDPOINT"] == "${TDKT_OTLP_ENDPOINT:-}", name


# ---------------------------------------------------------------------------------------
# infra/Containerfile and .dockerignore
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def containerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(INFRA / "Containerfile")


def test_containerfile_is_multi_stage_on_python_311_slim(containerfile: list[tuple[str, str]]) -> None:
    args = dict(a.split("=", 1) for k, a in containerfile if k == "ARG" and "=" in a)
    stages = [a for k, a in containerfile if k == "FROM"]
    assert len(stages) >= 2, "build stage + runtime stage"
    for stage in stages:
        image = stage.split()[0]
        image = args.get(image.strip("${}"), image) if image.startswith("$") else image
        assert image == "python:3.11-slim", stage


def test_containerfile_entrypoint_cmd_and_user(containerfile: list[tuple[str, str]]) -> None:
    final = containerfile[max(i for i, (k, _) in enumerate(containerfile) if k == "FROM"):]
    values = {k: a for k, a in final}
    assert json.loads(values["ENTRYPOINT"]) == ["python", "-m"]
    cmd = json.loads(values["CMD"])
    assert len(cmd) == 1 and cmd[0].startswith("services."), cmd
    assert (module_path(cmd[0]) / "__main__.py").is_file(), cmd
    user = values["USER"]
    assert user.split(":")[0] not in {"0", "root"}, f"USER {user} runs as root"
    assert user.split(":")[0].isdigit(), "numeric USER (Kubernetes runAsNonRoot needs a number)"
    order = [k for k, _ in final]
    assert order.index("USER") < order.index("ENTRYPOINT")


def test_containerfile_healthcheck_uses_python_on_healthz(containerfile: list[tuple[str, str]]) -> None:
    checks = [a for k, a in containerfile if k == "HEALTHCHECK"]
    assert len(checks) == 1
    command = json.loads(checks[0].split("CMD", 1)[1].strip())
    assert command[0] == "python" and "curl" not in checks[0]
    script = command[1]
    copies = [a.split() for k, a in containerfile if k == "COPY" and a.split()[-1] == script]
    assert copies, f"the healthcheck script {script} is not copied into the image"
    source = ROOT / copies[0][-2]
    text = source.read_text(encoding="utf-8")
    assert "/healthz" in text and "urllib.request" in text
    for service, port in SERVICES.items():
        assert f'"{service}": {port}' in text, f"{source.name}: default port of {service}"


def test_containerfile_installs_the_project_without_extras(containerfile: list[tuple[str, str]]) -> None:
    runs = " ".join(a for k, a in containerfile if k == "RUN")
    assert "pip wheel" in runs and "pip install" in runs
    install = re.findall(r"pip install[^&;]*", runs)
    assert install and all("[" not in i and "embedded" not in i and "test" not in i for i in install), install
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^name = "tdkt"$', project, flags=re.MULTILINE)
    assert any(re.search(r"\btdkt\b", i) for i in install), "installs the tdkt package"


def test_containerfile_sets_every_service_host(containerfile: list[tuple[str, str]]) -> None:
    env = " ".join(a for k, a in containerfile if k == "ENV")
    for service in SERVICES:
        assert f"TDKT_{service.upper()}_HOST=0.0.0.0" in env, service


def test_containerfile_copies_exist_and_are_not_dockerignored(containerfile: list[tuple[str, str]]) -> None:
    patterns = dockerignore_patterns()
    for keyword, args in containerfile:
        if keyword != "COPY" or args.startswith("--from"):
            continue
        for source in args.split()[:-1]:
            if source.startswith("--"):
                continue
            assert (ROOT / source).exists(), f"COPY {source}: missing"
            assert not dockerignored(source, patterns), f"COPY {source}: excluded by .dockerignore"


def test_dockerignore_keeps_local_state_out() -> None:
    patterns = dockerignore_patterns()
    for path in (".venv", ".tdkt", ".git", ".env", ".pytest_cache", ".ruff_cache", ".mypy_cache",
                 "tests", "services/plan/__pycache__", "bench/results"):
        assert dockerignored(path, patterns), f"{path} must be in .dockerignore"
    for path in ("pyproject.toml", "contracts", "servicekit", "services", "tdkt", ".env.example"):
        assert not dockerignored(path, patterns), f"{path} is needed by the build"


# ---------------------------------------------------------------------------------------
# infra/k8s
# ---------------------------------------------------------------------------------------

def test_every_yaml_file_parses() -> None:
    files = [ROOT / "compose.yaml", *INFRA.rglob("*.yaml"), *INFRA.rglob("*.yml")]
    assert len(files) > 5
    for path in files:
        for doc in load_yaml_all(path):
            assert isinstance(doc, dict), f"{path}: a document that is not a mapping"


def test_k8s_manifests_are_kubernetes_objects() -> None:
    docs = k8s_documents()
    assert docs
    for path, doc in docs:
        assert doc.get("apiVersion") and doc.get("kind"), path
        assert doc.get("metadata", {}).get("name"), f"{path}: {doc['kind']} without a name"


def test_kustomization_lists_existing_files() -> None:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    for kept_out in ("secrets.example.yaml", "postgres-cnpg.yaml", "nats-values.yaml"):
        assert kept_out not in kustomization["resources"], kept_out
    images = {image["name"] for image in kustomization.get("images", [])}
    for deployment in deployments().values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert container["image"].split(":")[0] in images, "image set in kustomization.yaml"


def test_one_deployment_and_service_per_service() -> None:
    docs = [doc for _, doc in k8s_documents()]
    assert set(deployments()) == set(SERVICES)
    services = {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == "Service"}
    assert set(SERVICES) <= set(services)
    for name, port in SERVICES.items():
        service = services[name]
        selector = service["spec"]["selector"]
        labels = deployments()[name]["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), f"{name}: Service selects no pod"
        assert service["spec"]["ports"][0]["port"] == port


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_deployment_runs_its_module_with_probes_resources_and_config(service: str) -> None:
    spec = deployments()[service]["spec"]
    pod = spec["template"]["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["args"] == [f"services.{service}"]
    assert "command" not in container, "keep the image's ENTRYPOINT [python, -m]"
    assert (module_path(container["args"][0]) / "__main__.py").is_file()
    port = SERVICES[service]
    assert container["ports"][0]["containerPort"] == port
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    assert env.get(f"TDKT_{service.upper()}_PORT") == str(port)
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    resources = container["resources"]
    assert resources["requests"]["cpu"] and resources["requests"]["memory"] and resources["limits"]["memory"]
    sources = container["envFrom"]
    assert {"configMapRef": {"name": "tdkt-config"}} in sources
    assert {"secretRef": {"name": f"tdkt-{service}"}} in sources
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_every_service_runs_two_replicas_and_drains_one_at_a_time() -> None:
    """Views and consumers run on the replica elected by an advisory lock (servicekit.leader):
    every service scales out, upgrades roll, and a node drain takes one pod at a time."""
    replicas = {name: d["spec"]["replicas"] for name, d in deployments().items()}
    assert replicas == dict.fromkeys(SERVICES, 2)
    for name, deployment in deployments().items():
        strategy = deployment["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate", name
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
    budgets = {doc["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]: doc["spec"]
               for _, doc in k8s_documents() if doc["kind"] == "PodDisruptionBudget"}
    assert {f"tdkt-{name}" for name in SERVICES} <= set(budgets)
    assert all(budget["maxUnavailable"] == 1 for budget in budgets.values())


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_two_replicas_of_every_service() -> None:
    rendered = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True,
                              timeout=120, check=True).stdout
    docs = [doc for doc in yaml.safe_load_all(rendered) if doc]
    replicas = {doc["metadata"]["name"]: doc["spec"]["replicas"] for doc in docs if doc["kind"] == "Deployment"}
    assert replicas == dict.fromkeys(SERVICES, 2)
    assert all(doc["metadata"]["namespace"] == "tdkt" for doc in docs if doc["kind"] == "Deployment")


def test_configmap_sets_three_stream_replicas_and_known_settings() -> None:
    (config,) = [doc for _, doc in k8s_documents()
                 if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "tdkt-config"]
    data = config["data"]
    assert data["TDKT_STREAM_REPLICAS"] == "3"
    known = known_settings()
    unknown = {key for key in data if key.startswith("TDKT_")} - known
    assert not unknown, f"ConfigMap sets settings no service reads: {sorted(unknown)}"
    assert "TDKT_JWT_JWKS_URL" not in data or data["TDKT_JWT_JWKS_URL"], "an empty JWKS URL breaks auth"
    for service in SERVICES:
        assert data[f"TDKT_{service.upper()}_HOST"] == "0.0.0.0"


def test_secret_template_gives_each_service_its_own_credentials() -> None:
    secrets = {doc["metadata"]["name"]: doc for doc in load_yaml_all(K8S / "secrets.example.yaml")}
    known = known_settings()
    for service in SERVICES:
        data = secrets[f"tdkt-{service}"]["stringData"]
        assert set(data) <= known
        assert f"tdkt_{service}:" in data["TDKT_PG_DSN"], "the service's own role"
        assert data["TDKT_PG_DSN"].endswith(f"/tdkt_{service}")
        assert data["TDKT_NATS_URL"].startswith(f"nats://{service}:"), "the service's own NATS user"
        assert "," not in data["TDKT_NATS_URL"], "servicekit.bus.connect takes one URL"


def test_nats_helm_values_three_servers_file_storage_fsync_always() -> None:
    values = load_yaml(K8S / "nats-values.yaml")
    config = values["config"]
    assert config["cluster"]["enabled"] is True and config["cluster"]["replicas"] == 3
    jetstream = config["jetstream"]
    assert jetstream["enabled"] is True and jetstream["fileStore"]["enabled"] is True
    assert jetstream["fileStore"]["pvc"]["size"]
    assert jetstream["merge"]["sync_interval"] == "always"


def test_cnpg_example_has_one_standby_and_the_five_databases() -> None:
    docs = load_yaml_all(K8S / "postgres-cnpg.yaml")
    (cluster,) = [d for d in docs if d["kind"] == "Cluster"]
    assert cluster["spec"]["instances"] == 2
    roles = {r["name"] for r in cluster["spec"]["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in docs if d["kind"] == "Database"}
    assert roles == {f"tdkt_{s}" for s in SERVICES}
    assert databases == {f"tdkt_{s}": f"tdkt_{s}" for s in SERVICES}


# ---------------------------------------------------------------------------------------
# NATS and PostgreSQL production files
# ---------------------------------------------------------------------------------------

def test_nats_cluster_template_syncs_always_and_routes_three_servers() -> None:
    conf = uncommented((INFRA / "nats" / "cluster" / "nats-server.conf").read_text(encoding="utf-8"))
    assert re.search(r"jetstream\s*\{[^}]*sync_interval:\s*always", conf)
    assert len(re.findall(r"nats-route://", conf)) == 3
    assert re.search(r"server_name:\s*\$NATS_SERVER_NAME", conf)


def durable_consumers() -> dict[str, str]:
    """Durable consumer names declared in the services' runtimes (CONSUMER = "...")."""
    found = {}
    for service in SERVICES:
        runtime = ROOT / "services" / service / "runtime.py"
        if runtime.exists():
            match = re.search(r'^CONSUMER\s*=\s*"([^"]+)"', runtime.read_text(encoding="utf-8"),
                              flags=re.MULTILINE)
            if match:
                found[service] = match.group(1)
    return found


def test_nats_accounts_are_generated_from_the_code_and_included_everywhere() -> None:
    checked = subprocess.run([sys.executable, "-m", "tdkt.bus", "--check"], cwd=ROOT, capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "\ninclude ./accounts.conf" in (INFRA / "nats" / "nats-server.conf").read_text(encoding="utf-8")
    assert "\ninclude ../accounts.conf" in (INFRA / "nats" / "cluster" / "nats-server.conf").read_text(
        encoding="utf-8")


def test_nats_accounts_match_the_services_subjects_and_consumers() -> None:
    conf = (INFRA / "nats" / "accounts.conf").read_text(encoding="utf-8")
    for user in (*SERVICES, "integrator"):
        assert re.search(rf'user:\s*"{user}"', conf), f"no NATS user {user}"
    assert '"tdkt.plan.>"' in conf and '"tdkt.nomination.>"' in conf
    consumers = durable_consumers()
    assert {"notification", "reporting"} <= set(consumers), "consumer names not found in the code"
    for service, consumer in consumers.items():
        for subject in (f'"tdkt.dlq.{consumer}"', f'"$JS.API.CONSUMER.MSG.NEXT.TDKT.{consumer}"',
                        f'"$JS.API.CONSUMER.CREATE.TDKT.{consumer}"', f'"$JS.ACK.TDKT.{consumer}.>"'):
            assert subject in conf, f"{service}: accounts.conf lacks {subject}"


def test_the_migration_step_runs_before_the_services_everywhere() -> None:
    job = next(doc for doc in load_yaml_all(K8S / "migrate-job.yaml") if doc["kind"] == "Job")
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["tdkt.cli", "migrate"]
    assert "migrate-job.yaml" in load_yaml(K8S / "kustomization.yaml")["resources"]
    sql = (INFRA / "postgres" / "init-databases.sql").read_text(encoding="utf-8")
    assert "CREATE DATABASE" not in uncommented(sql), "the service databases come from tdkt migrate"


def test_the_web_service_finds_the_four_services_in_every_deployment(compose: dict[str, Any]) -> None:
    """compose and the ConfigMap point the pages at each service by its name and port."""
    (config,) = [doc for _, doc in k8s_documents()
                 if doc["kind"] == "ConfigMap" and doc["metadata"]["name"] == "tdkt-config"]
    web_env = compose["services"]["web"]["environment"]
    for service, port in SERVICES.items():
        if service == "web":
            continue
        key = f"TDKT_WEB_{service.upper()}_URL"
        assert web_env[key] == f"http://{service}:{port}", key
        assert config["data"][key] == f"http://{service}:{port}", key
    conf = (INFRA / "nats" / "accounts.conf").read_text(encoding="utf-8")
    web_user = conf.split('user: "web"', 1)[1].split("user:", 1)[0]
    assert '"tdkt.>"' not in web_user.split("publish", 1)[1].split("subscribe", 1)[0], "the pages publish no event"


def test_monitoring_is_an_optional_profile_scraping_every_service(compose: dict[str, Any]) -> None:
    for name in ("prometheus", "grafana"):
        assert compose["services"][name]["profiles"] == ["monitoring"]
    config = load_yaml(INFRA / "prometheus" / "prometheus.yml")
    (job,) = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert set(job["static_configs"][0]["targets"]) == {f"{name}:{port}" for name, port in SERVICES.items()}


def test_the_dashboard_shows_only_metrics_the_services_export() -> None:
    dashboard = json.loads((INFRA / "grafana" / "tdkt-dashboard.json").read_text(encoding="utf-8"))
    exported = re.findall(r'"(tdkt_[a-z_]+)"', "".join(
        (ROOT / path).read_text(encoding="utf-8") for path in (
            "servicekit/metrics.py", "servicekit/runtime.py", "services/notification/runtime.py",
            "services/nomination/runtime.py")))
    names = set(exported) | {f"{n}_total" for n in exported} | {f"{n}_bucket" for n in exported}
    used = {name for panel in dashboard["panels"] for target in panel["targets"]
            for name in re.findall(r"\btdkt_[a-z_]+", target["expr"])}
    assert used and used <= names, used - names
