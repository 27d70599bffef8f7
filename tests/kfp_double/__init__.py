"""A double of the Kubeflow Pipelines API server (v2beta1), honest about auth.

Built from the published OpenAPI document (../shared/kfp-api/), validated
against it in both directions, and authenticating like KFP against the real
kube-apiserver of tests/cluster (TokenReview, SubjectAccessReview).
"""

from .server import KfpDouble

__all__ = ["KfpDouble"]
