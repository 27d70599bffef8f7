"""The `cluster` fixture: one real kube-apiserver + etcd for the whole session."""

from __future__ import annotations

import subprocess

import pytest

from .harness import Cluster, binaries_dir, binaries_ready, start_cluster

# A cold build of kube-apiserver on 2 busy cores takes many minutes (README).
BUILD_TIMEOUT = 3600


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The session fixture builds the binaries inside the first test that uses
    # it, under that test's timeout: give that one test room, only when the
    # cache is cold, whichever file it lives in.
    users = [item for item in items if "cluster" in getattr(item, "fixturenames", ())]
    if users and not binaries_ready():
        users[0].add_marker(pytest.mark.timeout(BUILD_TIMEOUT))


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Cluster:
    try:
        bin_dir = binaries_dir()  # builds on a fresh machine, else takes the cache
    except subprocess.CalledProcessError as e:
        pytest.fail(f"building kube-apiserver and etcd failed ({e}); scripts/build-cluster.sh's stderr is above")
    # In pytest's temp dir so the logs outlive a failed run (etcd's data is removed at stop).
    c = start_cluster(bin_dir=bin_dir, work=tmp_path_factory.mktemp("cluster"))
    yield c
    c.stop()
