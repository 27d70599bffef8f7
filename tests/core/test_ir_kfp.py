"""Every compiled fixture passes the KFP SDK's own strict checks: the
protobuf messages (unknown fields fail) and the SDK's component loader."""
import copy

import kfp
import pytest
from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2

from ir_graphs import graph, one_step, param, round_trip, step
from kfp_validate import validate_ir


def with_settings():
    g = round_trip(image="team/base:1", description="every setting")
    g["steps"][0]["settings"] = {
        "cache": False, "retries": 2, "image": "team/gpu:1",
        "resources": {"cpuRequest": "500m", "cpuLimit": "2",
                      "memoryRequest": "1Gi", "memoryLimit": "2Gi"},
        "gpu": {"count": 1},
        "secrets": [{"env": "AWS_KEY", "secret": "s3-creds", "key": "key"},
                    {"env": "AWS_SECRET", "secret": "s3-creds", "key": "secret"},
                    {"env": "TOKEN", "secret": "api", "key": "token"}]}
    g["metricsStep"]["settings"] = {"secrets": [
        {"env": "TOKEN", "secret": "api", "key": "token"}]}
    return g


def explicit_after():
    """Two independent steps and a third after both (no data edge)."""
    return graph(["a = 1", "b = 2", "c = 3"],
                 [step("a", cells=[0]), step("b", cells=[1]),
                  step("Final_Step", cells=[2], after=["a", "b"])],
                 parameters=[param("s", "str", "yes")], name="Explicit After")


FIXTURES = {
    "round_trip": round_trip,
    "with_settings": with_settings,
    "explicit_after": explicit_after,
    "one_step": lambda: one_step("y = 1", outputs=["y"]),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_ir_parses_strictly(name, compile_graph):
    text, docs = compile_graph(FIXTURES[name]())
    assert validate_ir(text) == docs


def test_sdk_sees_parameters_and_platform(compile_graph):
    text, docs = compile_graph(with_settings())
    component = kfp.components.load_component_from_text(text)
    assert sorted(component.component_spec.inputs) == [
        "layers", "n_rows", "opts", "scale", "verbose"]
    assert component.component_spec.inputs["n_rows"].default == 20
    k8s = component.platform_spec.platforms["kubernetes"]
    config = json_format.MessageToDict(k8s.deployment_spec.executors["exec-prep"])
    assert config["secretAsEnv"][0]["secretName"] == "api"
    assert sorted(docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]) \
        == ["exec-pipeline-metrics", "exec-prep"]
    task = docs[0]["root"]["dag"]["tasks"]["prep"]
    assert task["retryPolicy"]["maxRetryCount"] == 2
    ours = pipeline_spec_pb2.PipelineSpec()
    json_format.ParseDict(docs[0], ours)
    retry = ours.root.dag.tasks["prep"].retry_policy
    assert (retry.max_retry_count, retry.backoff_factor) == (2, 2.0)
    assert retry.backoff_max_duration.seconds == 3600


def test_same_graph_same_bytes(compile_graph):
    first, _ = compile_graph(with_settings())
    second, _ = compile_graph(copy.deepcopy(with_settings()))
    assert first == second


def test_compile_errors_reach_the_cli(compile_error):
    g = explicit_after()
    g["steps"][2]["after"] = ["ghost"]
    assert "step Final_Step: depends on unknown step ghost" in compile_error(g)
