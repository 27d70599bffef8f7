"""Authenticate and authorize like the KFP API server, against a REAL API server.

KFP (backend/src/apiserver/auth): the bearer token goes to a TokenReview
with `spec.audiences: ["pipelines.kubeflow.org"]`; the identity it gives
(`system:serviceaccount:<ns>:<sa>`) is then checked with a
SubjectAccessReview: group `pipelines.kubeflow.org`, version `v1beta1`,
the resource and verb of the call, in the namespace, no groups. Both go to
the cluster harness's kube-apiserver with its admin client; nothing here is
decided by the double itself.

`kubeflow-userid` is refused outright: only KFP's own components may assert
it (Istio strips it from everyone else), so a client that sends it is
impersonating a user. Each such request is logged and recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import httpx

KFP_AUDIENCE = "pipelines.kubeflow.org"
GROUP = "pipelines.kubeflow.org"
VERSION = "v1beta1"
USERID_HEADER = "kubeflow-userid"

log = logging.getLogger("kfp_double.auth")


class AuthError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Principal:
    username: str
    audiences: list[str]


class KfpAuth:
    """`admin()` returns an httpx client of the real API server, acting as its admin."""

    def __init__(self, admin: Callable[[], httpx.Client]) -> None:
        self.admin = admin
        self.userid_violations: list[dict] = []
        self.reviews: list[dict] = []

    def authenticate(self, method: str, path: str, headers: dict[str, str]) -> Principal:
        lowered = {k.lower(): v for k, v in headers.items()}
        if USERID_HEADER in lowered:
            # Never log the value: it names a user someone tried to act as.
            log.warning("refused %s %s: a %s header from a client that is not a KFP component", method, path, USERID_HEADER)
            self.userid_violations.append({"method": method, "path": path})
            raise AuthError(
                403, 7, f"Request header error: {USERID_HEADER} may only be set by Kubeflow Pipelines' own components"
            )
        auth = lowered.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise AuthError(
                401, 16, "Failed to authenticate: request header error: there is no bearer token in the Authorization header"
            )
        body = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {"token": auth[7:].strip(), "audiences": [KFP_AUDIENCE]},
        }
        with self.admin() as client:
            response = client.post("/apis/authentication.k8s.io/v1/tokenreviews", json=body)
        response.raise_for_status()
        status = response.json().get("status", {})
        audiences = status.get("audiences") or []
        if not status.get("authenticated") or KFP_AUDIENCE not in audiences:
            self.reviews.append({"authenticated": False, "path": path})
            why = status.get("error") or "the token is not valid for audience " + KFP_AUDIENCE
            raise AuthError(401, 16, f"Failed to authenticate token review. Review.Status: {why}")
        principal = Principal(status["user"]["username"], audiences)
        self.reviews.append({"authenticated": True, "username": principal.username, "audiences": audiences, "path": path})
        return principal

    def authorize(self, principal: Principal, namespace: str, resource: str, verb: str, name: str = "") -> None:
        attributes = {
            "namespace": namespace,
            "verb": verb,
            "group": GROUP,
            "version": VERSION,
            "resource": resource,
            "name": name,
        }
        body = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {"user": principal.username, "resourceAttributes": attributes},
        }
        with self.admin() as client:
            response = client.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", json=body)
        response.raise_for_status()
        status = response.json().get("status", {})
        if not status.get("allowed"):
            # The text KFP's resource manager writes (ResourceAttributes printed by Go's %+v).
            request = (
                f"&ResourceAttributes{{Namespace:{namespace},Verb:{verb},Group:{GROUP},Version:{VERSION},"
                f"Resource:{resource},Subresource:,Name:{name},}}"
            )
            raise AuthError(
                403,
                7,
                f"Failed to authorize with API: PermissionDenied: User '{principal.username}' is not authorized "
                f"with reason: {status.get('reason', '')} (request: {request})",
            )
