"""The one strict check of compiled IR by the real Kubeflow SDK, shared by
every test that compiles something: the protobuf messages (unknown fields
fail) and the SDK's own component loader."""
import kfp
import yaml
from google.protobuf import json_format
from kfp.kubernetes import kubernetes_executor_config_pb2
from kfp.pipeline_spec import pipeline_spec_pb2


def validate_ir(text):
    """Compiled IR YAML -> its documents, or an exception saying what KFP rejects."""
    docs = list(yaml.safe_load_all(text))
    spec = json_format.ParseDict(docs[0], pipeline_spec_pb2.PipelineSpec())
    assert spec.schema_version == "2.1.0"
    for executor in docs[0]["deploymentSpec"]["executors"].values():
        json_format.ParseDict(
            executor, pipeline_spec_pb2.PipelineDeploymentConfig.ExecutorSpec())
    if len(docs) > 1:
        platform = json_format.ParseDict(docs[1], pipeline_spec_pb2.PlatformSpec())
        executors = docs[1]["platforms"]["kubernetes"]["deploymentSpec"]["executors"]
        for config in executors.values():
            json_format.ParseDict(
                config, kubernetes_executor_config_pb2.KubernetesExecutorConfig())
        assert "kubernetes" in platform.platforms
    component = kfp.components.load_component_from_text(text)
    assert component.name == docs[0]["pipelineInfo"]["name"]
    return docs
