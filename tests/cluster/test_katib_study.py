"""Katib studies through the BUILT bridge (shared mode) against a real kube-apiserver.

The Katib CRDs are installed (the Experiment's and Trial's schemas keep unknown
fields, with the status subresource). There is no Katib controller: the test
plays its part, writing the Experiment's and Trials' status through `/status`
as admin, and checks what reaches alice's events socket and `/api/studies`.

Alice is mapped to namespace A, whose default-editor may create, read, watch
and patch Experiments and read and watch Trials there (what a Kubeflow
profile's editor may); B's default-editor has no binding. The bridge's own
service account may only mint tokens for the default-editors (the shipped
ClusterRole). Everything the bridge says is searched for JWTs at the end.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
import yaml

from .bridge_proc import Bridge, Events, tenancy
from .harness import Cluster, check, unique

JWT = "eyJ"
LABEL = "katib.kubeflow.org/metrics-collector-injection"
EXPERIMENTS = "/apis/kubeflow.org/v1beta1/namespaces/{ns}/experiments"
TRIALS = "/apis/kubeflow.org/v1beta1/namespaces/{ns}/trials"


def cell(source: str, annotation: dict) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {"kubeflow": annotation}, "outputs": [], "execution_count": None}


# score = -(x - 2)^2 - (y + 1)^2
QUADRATIC = {
    "nbformat": 4, "nbformat_minor": 5, "metadata": {},
    "cells": [
        cell("x = 0.0\ny = 0.0", {"role": "parameters"}),
        cell("score = -(x - 2) ** 2 - (y + 1) ** 2", {"step": "train"}),
        cell("score", {"role": "metrics"}),
    ],
}

SPEC = {
    "parameters": [{"name": "x", "type": "double", "min": -5, "max": 5}, {"name": "y", "type": "double", "min": -5, "max": 5}],
    "objective": {"metric": "score", "direction": "maximize"},
    "algorithm": "tpe",
    "budget": {"maxTrials": 6, "parallelTrials": 2, "maxFailedTrials": 1},
    "seed": 1,
}


def study_body(**extra: object) -> dict:
    return {"notebook": {"path": "quad.ipynb"}, "spec": SPEC, "target": "kubeflow", **extra}


@pytest.fixture(scope="module")
def world(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict:
    a, b, home = tenancy(cluster)
    # What a Kubeflow profile's default-editor may do with Katib objects (kubeflow-katib-edit, narrowed).
    cluster.create_role(a, "katib-edit", [
        {"apiGroups": ["kubeflow.org"], "resources": ["experiments"], "verbs": ["create", "get", "list", "watch", "patch"]},
        {"apiGroups": ["kubeflow.org"], "resources": ["trials"], "verbs": ["get", "list", "watch"]},
    ])
    cluster.bind(a, "katib-edit", "default-editor")
    set_label(cluster, a, "enabled")
    work = tmp_path_factory.mktemp("katib")
    kubeconfig = cluster.kubeconfig(work / "bridge.kubeconfig", token=cluster.token_for(home, "kubeflow-bridge"))
    user_map = work / "users.yaml"
    user_map.write_text(yaml.safe_dump({"users": {"alice": {"namespace": a}, "bob": {"namespace": b}}}))
    (work / "root").mkdir()
    (work / "root" / "quad.ipynb").write_text(json.dumps(QUADRATIC))
    return {"a": a, "b": b, "kubeconfig": kubeconfig, "user_map": user_map, "work": work}


@pytest.fixture(scope="module")
def bridge(world: dict):
    work: Path = world["work"]
    b = Bridge(work, [
        "--identity", "shared", "--kubeconfig", str(world["kubeconfig"]), "--user-map", str(world["user_map"]), "--profiles", "off",
        "--data-dir", str(work / "data"), "--root-dir", str(work / "root"), "--python", sys.executable,
    ])
    yield b
    b.stop()


def set_label(cluster: Cluster, ns: str, value: str | None) -> None:
    with cluster.admin() as c:
        r = c.patch(f"/api/v1/namespaces/{ns}", json={"metadata": {"labels": {LABEL: value}}},
                    headers={"Content-Type": "application/merge-patch+json"})
        check(r)


def read(cluster: Cluster, path: str) -> dict:
    with cluster.admin() as c:
        return check(c.get(path))


def write_status(cluster: Cluster, path: str, status: dict) -> None:
    """What Katib's controller does: the status subresource, as admin."""
    with cluster.admin() as c:
        obj = check(c.get(path))
        obj["status"] = status
        check(c.put(path + "/status", json=obj))


def wait_event(bridge: Bridge, predicate, what: str, timeout: float = 30) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for msg in list(bridge.events.messages):
            if predicate(msg):
                return msg
        time.sleep(0.1)
    types = [m.get("type") for m in bridge.events.messages]
    raise AssertionError(f"no event for {what} within {timeout} s (saw {types[-20:]})")


def create_study(bridge: Bridge, **extra: object) -> dict:
    r = bridge.call("POST", "/api/studies", body=study_body(**extra))
    assert r.status_code == 201, r.text
    return r.json()


# -- where the Experiment goes ---------------------------------------------------------


def test_experiment_lands_in_alices_namespace_and_is_listed_as_a_study(cluster: Cluster, bridge: Bridge, world: dict) -> None:
    name = unique("quad")
    answer = create_study(bridge, name=name)
    assert answer["created"] and answer["namespace"] == world["a"]
    stored = read(cluster, EXPERIMENTS.format(ns=world["a"]) + f"/{name}")
    # The object the API server kept (through the CRD's schema) is the one the bridge built.
    assert stored["metadata"]["namespace"] == world["a"]
    assert stored["spec"]["maxTrialCount"] == 6 and stored["spec"]["parallelTrialCount"] == 2
    assert stored["spec"]["objective"] == {"type": "maximize", "objectiveMetricName": "score", "additionalMetricNames": []}
    assert [p["name"] for p in stored["spec"]["parameters"]] == ["x", "y"]
    assert stored["spec"]["metricsCollectorSpec"] == {"collector": {"kind": "StdOut"}}
    pod = stored["spec"]["trialTemplate"]["trialSpec"]["spec"]["template"]
    assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"

    study = answer["study"]
    assert study["target"] == "kubeflow" and study["namespace"] == world["a"] and study["experiment"] == name
    assert study["notebook"] == "quad.ipynb" and study["state"] == "running" and study["trials"] == []
    listed = bridge.call("GET", "/api/studies?notebook=quad.ipynb").json()["studies"]
    assert study["id"] in [s["id"] for s in listed]
    assert set(study) - {"trials"} == set(next(s for s in listed if s["id"] == study["id"]))
    # Another user neither lists nor reads alice's Katib study.
    assert study["id"] not in [s["id"] for s in bridge.call("GET", "/api/studies", user="bob").json()["studies"]]
    assert bridge.call("GET", f"/api/studies/{study['id']}", user="bob").status_code == 404


def test_bridge_refuses_another_namespace_before_the_cluster(cluster: Cluster, bridge: Bridge, world: dict) -> None:
    name = unique("quad")
    r = bridge.call("POST", "/api/studies", body=study_body(name=name, namespace=world["b"]))
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert error["field"] == "namespace" and world["a"] in error["message"] and world["b"] in error["message"]
    with cluster.admin() as c:
        assert c.get(EXPERIMENTS.format(ns=world["b"]) + f"/{name}").status_code == 404
        assert c.get(EXPERIMENTS.format(ns=world["a"]) + f"/{name}").status_code == 404


def test_api_server_refuses_a_namespace_where_her_sa_has_no_binding(cluster: Cluster, bridge: Bridge, world: dict) -> None:
    original = world["user_map"].read_text()
    world["user_map"].write_text(yaml.safe_dump({"users": {"alice": {"namespace": world["b"]}}}))
    os.utime(world["user_map"], (time.time() + 5, time.time() + 5))
    name = unique("quad")
    try:
        r = bridge.call("POST", "/api/studies", body=study_body(name=name))
        assert r.status_code == 403, r.text
        message = r.json()["error"]["message"]
        assert f"namespace {world['b']}" in message and "experiments.kubeflow.org" in message
        assert "system:serviceaccount" in message  # the API server's own words
    finally:
        world["user_map"].write_text(original)
        os.utime(world["user_map"], (time.time() + 10, time.time() + 10))
    assert bridge.call("GET", "/api/identity").json()["namespace"] == world["a"]
    with cluster.admin() as c:
        assert c.get(EXPERIMENTS.format(ns=world["b"]) + f"/{name}").status_code == 404


# -- prechecks ---------------------------------------------------------------------------


def test_precheck_reports_the_missing_label_and_passes_once_set(cluster: Cluster, bridge: Bridge, world: dict) -> None:
    a = world["a"]
    # Without `get` on her namespace the labels are unreadable: a warning only.
    r = bridge.call("POST", "/api/studies", body=study_body(dryRun=True))
    assert r.status_code == 200, r.text
    assert [(p["severity"], p["field"]) for p in r.json()["problems"]] == [("warning", "namespace")]
    # Let alice's service account read her Namespace object (and only it).
    role = unique("read-own-namespace")
    with cluster.admin() as c:
        check(c.post("/apis/rbac.authorization.k8s.io/v1/clusterroles", json={
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": role},
            "rules": [{"apiGroups": [""], "resources": ["namespaces"], "resourceNames": [a], "verbs": ["get"]}],
        }))
        check(c.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", json={
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": role},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": "default-editor", "namespace": a}],
        }))
    set_label(cluster, a, None)
    try:
        r = bridge.call("POST", "/api/studies", body=study_body(dryRun=True))
        assert r.status_code == 200, r.text
        problems = r.json()["problems"]
        assert [(p["severity"], p["field"]) for p in problems] == [("error", "namespace")]
        assert f"{a} lacks the label {LABEL}=enabled" in problems[0]["message"]
        name = unique("quad")
        r = bridge.call("POST", "/api/studies", body=study_body(name=name))
        assert r.status_code == 400 and r.json()["error"]["field"] == "target", r.text
        with cluster.admin() as c:
            assert c.get(EXPERIMENTS.format(ns=a) + f"/{name}").status_code == 404
        set_label(cluster, a, "enabled")
        r = bridge.call("POST", "/api/studies", body=study_body(dryRun=True))
        assert r.status_code == 200 and r.json()["problems"] == [], r.text
    finally:
        set_label(cluster, a, "enabled")
        with cluster.admin() as c:
            c.delete(f"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{role}")
            c.delete(f"/apis/rbac.authorization.k8s.io/v1/clusterroles/{role}")


# -- status to the live view ---------------------------------------------------------------


def trial_object(experiment: str, name: str, x: str, y: str) -> dict:
    return {
        "apiVersion": "kubeflow.org/v1beta1", "kind": "Trial",
        "metadata": {"name": name, "labels": {"katib.kubeflow.org/experiment": experiment}},
        "spec": {
            "objective": {"type": "maximize", "objectiveMetricName": "score"},
            "parameterAssignments": [{"name": "x", "value": x}, {"name": "y", "value": y}],
        },
    }


def test_status_written_to_the_experiment_and_trials_reaches_the_live_view(cluster: Cluster, bridge: Bridge, world: dict) -> None:
    a = world["a"]
    name = unique("quad")
    study = create_study(bridge, name=name)["study"]
    sid = study["id"]
    # A second listener: bob must hear nothing of alice's study.
    bob = Events(f"ws://127.0.0.1:{bridge.port}/api/events", bridge.headers("bob"))
    try:
        time.sleep(1.0)  # let the watches connect
        exp_path = EXPERIMENTS.format(ns=a) + f"/{name}"
        write_status(cluster, exp_path, {
            "conditions": [
                {"type": "Created", "status": "True", "reason": "ExperimentCreated", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                {"type": "Running", "status": "True", "reason": "ExperimentRunning", "message": "Experiment is running",
                 "lastTransitionTime": "2026-01-01T00:00:01Z"},
            ],
            "trials": 2, "trialsRunning": 2,
        })
        event = wait_event(bridge, lambda m: m.get("type") == "study" and m["study"]["id"] == sid
                           and (m["study"].get("katib") or {}).get("condition") == "Running", "the Experiment running")
        assert event["study"]["katib"]["counts"]["running"] == 2 and event["study"]["target"] == "kubeflow"

        trials = TRIALS.format(ns=a)
        good, bad = f"{name}-good", f"{name}-bad"
        with cluster.admin() as c:
            check(c.post(trials, json=trial_object(name, good, "1.5", "-1")))
        wait_event(bridge, lambda m: m.get("type") == "trial" and m["study"] == sid and m["trial"].get("name") == good, "the first Trial")
        with cluster.admin() as c:
            check(c.post(trials, json=trial_object(name, bad, "4", "2")))
        # An unrelated Trial (another experiment's label) must not join the study.
        with cluster.admin() as c:
            check(c.post(trials, json=trial_object(unique("other"), unique("stray"), "0", "0")))
        write_status(cluster, f"{trials}/{good}", {
            "startTime": "2026-01-01T00:00:02Z", "completionTime": "2026-01-01T00:01:02Z",
            "conditions": [
                {"type": "Created", "status": "True", "lastTransitionTime": "2026-01-01T00:00:02Z"},
                {"type": "Running", "status": "False", "lastTransitionTime": "2026-01-01T00:01:02Z"},
                {"type": "Succeeded", "status": "True", "reason": "TrialSucceeded", "lastTransitionTime": "2026-01-01T00:01:02Z"},
            ],
            "observation": {"metrics": [{"name": "score", "min": "-0.25", "max": "-0.25", "latest": "-0.25"}]},
        })
        write_status(cluster, f"{trials}/{bad}", {
            "startTime": "2026-01-01T00:00:02Z",
            "conditions": [
                {"type": "Created", "status": "True", "lastTransitionTime": "2026-01-01T00:00:02Z"},
                {"type": "MetricsUnavailable", "status": "True", "reason": "MetricsUnavailable", "message": "Metrics are not available",
                 "lastTransitionTime": "2026-01-01T00:00:32Z"},
            ],
            "observation": {"metrics": [{"name": "score", "min": "unavailable", "max": "unavailable", "latest": "unavailable"}]},
        })
        done = wait_event(bridge, lambda m: m.get("type") == "trial" and m["study"] == sid and m["trial"].get("name") == good
                          and m["trial"]["state"] == "succeeded", "the first Trial succeeded")
        assert done["notebook"] == "quad.ipynb"
        assert done["trial"] == {
            "number": 0, "name": good, "condition": "Succeeded", "state": "succeeded", "parameters": {"x": 1.5, "y": -1},
            "metrics": {"score": -0.25}, "objective": -0.25, "run": None,
            "startedAt": 1767225602000, "finishedAt": 1767225662000, "durationMs": 60000, "error": None,
        }
        failed = wait_event(bridge, lambda m: m.get("type") == "trial" and m["study"] == sid and m["trial"].get("name") == bad
                            and m["trial"]["state"] == "failed", "the second Trial failed")
        assert failed["trial"]["number"] == 1 and failed["trial"]["parameters"] == {"x": 4, "y": 2}
        assert failed["trial"]["condition"] == "MetricsUnavailable" and failed["trial"]["objective"] is None
        assert "print name=value lines" in failed["trial"]["error"]

        write_status(cluster, exp_path, {
            "conditions": [
                {"type": "Running", "status": "True", "reason": "ExperimentRunning", "lastTransitionTime": "2026-01-01T00:00:01Z"},
            ],
            "trials": 2, "trialsSucceeded": 1, "trialMetricsUnavailable": 1,
            "currentOptimalTrial": {
                "bestTrialName": good, "parameterAssignments": [{"name": "x", "value": "1.5"}, {"name": "y", "value": "-1"}],
                "observation": {"metrics": [{"name": "score", "min": "-0.25", "max": "-0.25", "latest": "-0.25"}]},
            },
        })
        wait_event(bridge, lambda m: m.get("type") == "study" and m["study"]["id"] == sid
                   and (m["study"].get("katib") or {}).get("optimalTrial") == good, "the optimal trial")

        shown = bridge.call("GET", f"/api/studies/{sid}").json()
        assert shown["state"] == "running" and shown["experiment"] == name and shown["namespace"] == a
        assert [(t["number"], t["name"], t["state"]) for t in shown["trials"]] == [(0, good, "succeeded"), (1, bad, "failed")]
        assert shown["counts"] == {"trials": 2, "succeeded": 1, "failed": 1, "running": 0, "retried": 0}
        assert shown["best"] == {"trial": 0, "parameters": {"x": 1.5, "y": -1}, "metrics": {"score": -0.25}, "objective": -0.25}
        assert shown["katib"]["counts"]["metricsUnavailable"] == 1 and shown["katib"]["maxTrialCount"] == 6

        # Stop: Katib has none; the bridge lowers maxTrialCount to the trials created, as alice.
        r = bridge.call("POST", f"/api/studies/{sid}/stop")
        assert r.status_code == 200, r.text
        assert r.json()["state"] == "stopped" and r.json()["katib"]["maxTrialCount"] == 2
        assert read(cluster, exp_path)["spec"]["maxTrialCount"] == 2
        assert bridge.call("POST", f"/api/studies/{sid}/stop", user="bob").status_code == 404
        # Katib ends it as MaxTrialsReached: the study stays stopped, now finished.
        write_status(cluster, exp_path, {
            "conditions": [{"type": "Succeeded", "status": "True", "reason": "ExperimentMaxTrialsReached",
                            "message": "Experiment has succeeded because max trial count has reached", "lastTransitionTime": "2026-01-01T00:02:00Z"}],
            "completionTime": "2026-01-01T00:02:00Z", "trials": 2, "trialsSucceeded": 1, "trialMetricsUnavailable": 1,
        })
        end = wait_event(bridge, lambda m: m.get("type") == "study" and m["study"]["id"] == sid and m["study"]["finishedAt"] is not None, "the end")
        assert end["study"]["state"] == "stopped" and end["study"]["reason"] == "stopped" and end["study"]["finishedAt"] == 1767225720000
        r = bridge.call("POST", f"/api/studies/{sid}/resume")
        assert r.status_code == 409 and "start a new study" in r.json()["error"]["message"]

        time.sleep(0.5)
        assert not [m for m in bob.messages if m.get("type") in ("study", "trial") and sid in json.dumps(m)]
        bridge.responses.extend(bob.raw)
    finally:
        bob.close()


# -- restart ------------------------------------------------------------------------------


def test_a_restarted_bridge_watches_an_unfinished_katib_study_again(cluster: Cluster, world: dict) -> None:
    work: Path = world["work"] / "restart"
    args = ["--identity", "shared", "--kubeconfig", str(world["kubeconfig"]), "--user-map", str(world["user_map"]), "--profiles", "off",
            "--data-dir", str(work / "data"), "--root-dir", str(world["work"] / "root"), "--python", sys.executable]
    (work / "one").mkdir(parents=True)
    (work / "two").mkdir()
    first = Bridge(work / "one", args)
    try:
        name = unique("quad")
        sid = create_study(first, name=name)["study"]["id"]
    finally:
        first.stop()
    # The Trial appears while no bridge runs; the next one lists it when it watches again.
    with cluster.admin() as c:
        check(c.post(TRIALS.format(ns=world["a"]), json=trial_object(name, f"{name}-late", "2", "-1")))
    second = Bridge(work / "two", args)
    try:
        # The watch lists it as soon as the bridge starts (before any socket connects): the store has it.
        deadline = time.monotonic() + 30
        shown = second.call("GET", f"/api/studies/{sid}").json()
        while not shown["trials"] and time.monotonic() < deadline:
            time.sleep(0.2)
            shown = second.call("GET", f"/api/studies/{sid}").json()
        assert shown["state"] == "running" and [(t["name"], t["parameters"]) for t in shown["trials"]] == [(f"{name}-late", {"x": 2, "y": -1})]
        # And later changes reach the live view.
        write_status(cluster, TRIALS.format(ns=world["a"]) + f"/{name}-late", {
            "conditions": [{"type": "Running", "status": "True", "lastTransitionTime": "2026-01-01T00:00:05Z"}],
        })
        event = wait_event(second, lambda m: m.get("type") == "trial" and m["study"] == sid and m["trial"].get("condition") == "Running", "the Trial running")
        assert event["trial"]["number"] == 0 and event["trial"]["state"] == "running"
        assert "katib studies watched again" in second.log()
        said = second.responses + second.events.raw + [second.log(), first.log()]
        assert not [text for text in said if JWT in text]
    finally:
        second.stop()


# -- no token anywhere ---------------------------------------------------------------------


def test_no_token_in_any_response_event_or_log_line(bridge: Bridge) -> None:
    said = bridge.responses + bridge.events.raw
    assert len(said) > 10 and any('"type":"trial"' in s for s in said)
    for text in said:
        assert JWT not in text, text[:200]
    log = bridge.log()
    assert "token minted" in log and JWT not in log
