"""The KFP v2beta1 endpoints the bridge uses, with KFP's multi-user rules.

- Every call but healthz is authenticated and authorized (auth.py) for the
  resource and verb in the reference table, in the namespace the object
  lives in: a run's namespace is its experiment's; `experiment_id` is
  required; pipeline versions are checked as `pipelines`.
- Runtime parameters are type-checked against the uploaded IR's
  `root.inputDefinitions.parameters`; undeclared ones are refused.
- Errors are `{code, message, details}` (gRPC code, HTTP status), multipart
  ones `{error_message, error_details}`.
Runs never move by themselves: the test drives them (server.py's control port).
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from datetime import datetime, timezone

import yaml

from . import openapi
from .auth import KfpAuth
from .params import check_parameters


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad(message: str) -> ApiError:
    return ApiError(400, 3, f"Invalid input error: {message}")


def missing(what: str) -> ApiError:
    return ApiError(404, 5, f"NotFound: {what} not found")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return str(uuid.uuid4())


ROUTES: list[tuple[str, str]] = [
    ("GET", "/healthz"),
    ("GET", "/experiments"),
    ("POST", "/experiments"),
    ("GET", "/experiments/{experiment_id}"),
    ("GET", "/pipelines/names/{name}"),
    ("POST", "/pipelines/upload"),
    ("POST", "/pipelines/upload_version"),
    ("GET", "/pipelines/{pipeline_id}/versions"),
    ("POST", "/runs"),
    ("GET", "/runs"),
    ("GET", "/runs/{run_id}"),
    ("POST", "/runs/{run_id}:terminate"),
    ("POST", "/runs/{run_id}:retry"),
]


def _pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/:]+)", re.escape(template)) + "$")


COMPILED = [(m, t, _pattern(t)) for m, t in ROUTES]


def match(method: str, path: str) -> tuple[str, dict] | None:
    for m, template, pattern in COMPILED:
        found = pattern.match(path)
        if m == method and found:
            return template, found.groupdict()
    return None


def _filter_value(raw: str | None, key: str) -> str | None:
    if not raw:
        return None
    try:
        predicates = json.loads(raw).get("predicates", [])
    except (ValueError, AttributeError) as e:
        raise bad(f"filter is not a JSON Filter: {e}") from e
    for p in predicates:
        if p.get("key") == key and p.get("operation") == "EQUALS":
            return p.get("string_value")
    return None


class KfpApi:
    def __init__(self, auth: KfpAuth) -> None:
        self.auth = auth
        self.lock = threading.RLock()
        self.experiments: dict[str, dict] = {}
        self.pipelines: dict[str, dict] = {}
        self.versions: dict[str, dict] = {}  # id -> version (with "_ir": the PipelineSpec)
        self.runs: dict[str, dict] = {}  # id -> run (with "_namespace")
        self.created: list[dict] = []  # every create call, for the tests

    # -- dispatch ------------------------------------------------------------

    def handle(self, method: str, template: str, params: dict, query: dict, headers: dict, body, upload):  # noqa: ANN001, ANN201
        if template == "/healthz":
            return {"multi_user": True, "pipeline_store": "database"}
        principal = self.auth.authenticate(method, openapi.PREFIX + template, headers)

        def allow(namespace: str, resource: str, verb: str) -> None:
            self.auth.authorize(principal, namespace, resource, verb)

        with self.lock:
            name = template.strip("/").replace("/", "_").replace("{", "").replace("}", "").replace(":", "_")
            return getattr(self, f"{method.lower()}_{name}")(params, query, body, upload, allow, principal)

    # -- experiments -----------------------------------------------------------

    def get_experiments(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        ns = query.get("namespace") or ""
        if not ns:
            raise bad("In multi-user mode, ListExperiment requires filtering by namespace")
        allow(ns, "experiments", "list")
        wanted = _filter_value(query.get("filter"), "display_name")
        found = [e for e in self.experiments.values() if e["namespace"] == ns and wanted in (None, e["display_name"])]
        return {"experiments": found, "total_size": len(found)}

    def post_experiments(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        ns = body.get("namespace") or ""
        if not body.get("display_name"):
            raise bad("Experiment display_name is empty. Please specify a valid experiment name")
        if not ns:
            raise bad("In multi-user mode, CreateExperiment requires a namespace")
        allow(ns, "experiments", "create")
        if any(e["namespace"] == ns and e["display_name"] == body["display_name"] for e in self.experiments.values()):
            raise ApiError(409, 6, f"Already exist error: experiment {body['display_name']!r} exists in namespace {ns}")
        exp = {**body, "experiment_id": new_id(), "created_at": now(), "storage_state": "AVAILABLE"}
        self.experiments[exp["experiment_id"]] = exp
        self.created.append({"kind": "experiment", "id": exp["experiment_id"], "namespace": ns, "by": who.username})
        return exp

    def get_experiments_experiment_id(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        exp = self._experiment(params["experiment_id"])
        allow(exp["namespace"], "experiments", "get")
        return exp

    def _experiment(self, experiment_id: str) -> dict:
        exp = self.experiments.get(experiment_id)
        if exp is None:
            raise missing(f"Experiment {experiment_id}")
        return exp

    # -- pipelines ---------------------------------------------------------------

    def get_pipelines_names_name(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        ns = query.get("namespace") or ""
        allow(ns, "pipelines", "get")
        for p in self.pipelines.values():
            if p["name"] == params["name"] and p["namespace"] == ns:
                return p
        raise missing(f"Pipeline {params['name']!r} in namespace {ns!r}")

    def post_pipelines_upload(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        ns = query.get("namespace") or ""
        ir = self._ir(upload)
        name = query.get("name") or ir.get("pipelineInfo", {}).get("name", "")
        allow(ns, "pipelines", "create")
        if any(p["name"] == name and p["namespace"] == ns for p in self.pipelines.values()):
            raise ApiError(409, 6, f"Already exist error: pipeline {name!r} exists in namespace {ns!r}")
        pipeline = {"pipeline_id": new_id(), "name": name, "display_name": query.get("display_name") or name,
                    "namespace": ns, "created_at": now()}
        self.pipelines[pipeline["pipeline_id"]] = pipeline
        self._add_version(pipeline, name, ir, who)
        return pipeline

    def post_pipelines_upload_version(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        pipeline = self.pipelines.get(query.get("pipelineid") or "")
        if pipeline is None:
            raise missing(f"Pipeline {query.get('pipelineid')!r}")
        ir = self._ir(upload)
        allow(pipeline["namespace"], "pipelines", "create")
        name = query.get("name") or new_id()
        if any(v["pipeline_id"] == pipeline["pipeline_id"] and v["name"] == name for v in self.versions.values()):
            raise ApiError(409, 6, f"Already exist error: pipeline version {name!r} exists")
        return self._public(self._add_version(pipeline, name, ir, who))

    def get_pipelines_pipeline_id_versions(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        pipeline = self.pipelines.get(params["pipeline_id"])
        if pipeline is None:
            raise missing(f"Pipeline {params['pipeline_id']!r}")
        allow(pipeline["namespace"], "pipelines", "list")
        wanted = _filter_value(query.get("filter"), "name")
        found = [self._public(v) for v in self.versions.values()
                 if v["pipeline_id"] == pipeline["pipeline_id"] and wanted in (None, v["name"])]
        newest_first = query.get("sort_by", "created_at desc").endswith("desc")
        found = found[::-1] if newest_first else found  # insertion order is creation order
        return {"pipeline_versions": found, "total_size": len(found)}

    def _ir(self, upload: bytes | None) -> dict:
        if upload is None:
            raise ApiError(400, 3, "Failed to read pipeline from file: no uploadfile in the multipart body")
        try:
            docs = [d for d in yaml.safe_load_all(upload) if d is not None]
        except yaml.YAMLError as e:
            raise ApiError(400, 3, f"Failed to read pipeline from file: not YAML: {e}") from e
        spec = docs[0] if docs else {}
        if not isinstance(spec, dict) or "root" not in spec or "pipelineInfo" not in spec:
            raise ApiError(400, 3, "Failed to read pipeline from file: not a PipelineSpec (root, pipelineInfo)")
        return spec

    def _add_version(self, pipeline: dict, name: str, ir: dict, who) -> dict:  # noqa: ANN001
        version = {"pipeline_id": pipeline["pipeline_id"], "pipeline_version_id": new_id(), "name": name,
                   "display_name": name, "created_at": now(), "_ir": ir}
        self.versions[version["pipeline_version_id"]] = version
        self.created.append({"kind": "pipeline_version", "id": version["pipeline_version_id"], "by": who.username})
        return version

    @staticmethod
    def _public(version: dict) -> dict:
        return {k: v for k, v in version.items() if not k.startswith("_")}

    # -- runs ---------------------------------------------------------------------

    def post_runs(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        experiment_id = body.get("experiment_id") or query.get("experiment_id")
        if not experiment_id:
            raise bad("In multi-user mode, a run needs an experiment_id: its namespace comes from the experiment")
        exp = self._experiment(experiment_id)
        ns = exp["namespace"]
        allow(ns, "runs", "create")
        ref = body.get("pipeline_version_reference") or {}
        if not ref.get("pipeline_id") and not body.get("pipeline_spec"):
            raise bad("a run needs pipeline_version_reference.pipeline_id or pipeline_spec")
        version = self.versions.get(ref.get("pipeline_version_id") or "")
        if body.get("pipeline_spec"):
            ir = body["pipeline_spec"].get("pipeline_spec", body["pipeline_spec"])
        elif version is None or version["pipeline_id"] != ref["pipeline_id"]:
            raise missing(f"Pipeline version {ref.get('pipeline_version_id')!r} of pipeline {ref.get('pipeline_id')!r}")
        else:
            ir = version["_ir"]
        check_parameters(ir, (body.get("runtime_config") or {}).get("parameters") or {}, bad)
        run = {**body, "run_id": new_id(), "experiment_id": experiment_id, "created_at": now(), "state": "PENDING",
               "storage_state": "AVAILABLE", "run_details": {"task_details": []},
               "state_history": [{"update_time": now(), "state": "PENDING"}], "_namespace": ns}
        if version is not None:
            run["pipeline_version_id"] = version["pipeline_version_id"]
        self.runs[run["run_id"]] = run
        self.created.append({"kind": "run", "id": run["run_id"], "namespace": ns, "by": who.username})
        return self._public(run)

    def get_runs(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        experiment_id = query.get("experiment_id")
        ns = self._experiment(experiment_id)["namespace"] if experiment_id else query.get("namespace") or ""
        if not ns:
            raise bad("In multi-user mode, ListRuns requires a namespace or an experiment_id")
        allow(ns, "runs", "list")
        wanted = _filter_value(query.get("filter"), "display_name")
        found = [self._public(r) for r in self.runs.values()
                 if r["_namespace"] == ns and experiment_id in (None, r["experiment_id"]) and wanted in (None, r["display_name"])]
        found.sort(key=lambda r: r["created_at"], reverse=True)
        return {"runs": found, "total_size": len(found)}

    def get_runs_run_id(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        run = self._run(params["run_id"])
        allow(run["_namespace"], "runs", "get")
        return self._public(run)

    def post_runs_run_id_terminate(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        run = self._run(params["run_id"])
        allow(run["_namespace"], "runs", "terminate")
        if run["state"] in ("SUCCEEDED", "FAILED", "CANCELED", "SKIPPED"):
            raise ApiError(400, 9, f"Failed precondition: run {run['run_id']} is already {run['state']}")
        self.set_state(run, "CANCELING")
        return {}

    def post_runs_run_id_retry(self, params, query, body, upload, allow, who):  # noqa: ANN001, ANN201
        run = self._run(params["run_id"])
        allow(run["_namespace"], "runs", "retry")
        if run["state"] not in ("FAILED", "CANCELED"):
            raise ApiError(400, 9, f"Failed precondition: only a failed or terminated run can be retried, not {run['state']}")
        run.pop("finished_at", None)
        run.pop("error", None)
        self.set_state(run, "RUNNING")
        return {}

    def _run(self, run_id: str) -> dict:
        run = self.runs.get(run_id)
        if run is None:
            raise missing(f"Run {run_id}")
        return run

    def set_state(self, run: dict, state: str) -> None:
        run["state"] = state
        run["state_history"].append({"update_time": now(), "state": state})
        if state in ("SUCCEEDED", "FAILED", "CANCELED", "SKIPPED"):
            run["finished_at"] = now()

