"""Compile step graphs with the real TypeScript compiler and run the step
programs the way KFP's launcher would: placeholders resolved to paths under a
pipeline root, each step a real Python subprocess."""
import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ESBUILD = os.path.join(REPO, "node_modules", ".bin", "esbuild")
DRIVER = os.path.join(REPO, "tests", "core", "compile_fixture.ts")


@pytest.fixture(scope="session")
def driver(tmp_path_factory):
    if not shutil.which("node") or not os.path.exists(ESBUILD):
        pytest.fail("node and node_modules/.bin/esbuild are needed (npm ci)")
    out = str(tmp_path_factory.mktemp("driver") / "compile_fixture.cjs")
    subprocess.run([ESBUILD, DRIVER, "--bundle", "--platform=node",
                    "--format=cjs", "--log-level=warning", "--outfile=" + out],
                   check=True, cwd=REPO)
    return out


@pytest.fixture
def compile_graph(driver):
    """graph dict -> (yaml text, [documents]); a CompileError fails the test."""
    def run(graph):
        done = subprocess.run(["node", driver], input=json.dumps(graph),
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout, list(yaml.safe_load_all(done.stdout))
    return run


@pytest.fixture
def compile_error(driver):
    def run(graph):
        done = subprocess.run(["node", driver], input=json.dumps(graph),
                              capture_output=True, text=True)
        assert done.returncode == 2, done.stdout + done.stderr
        return done.stderr
    return run


def render(value, kind):
    """A parameter value as KFP renders it into a placeholder."""
    if kind == "STRING":
        return value
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if kind in ("LIST", "STRUCT"):
        return json.dumps(value)
    return str(value)


class PipelineRoot:
    """Where a run's artifacts live: <root>/<task>/<artifact> (a directory)."""

    def __init__(self, spec, root, python=sys.executable, env=None):
        self.spec, self.root, self.python, self.env = spec, str(root), python, env

    def path(self, task, key):
        return os.path.join(self.root, task, key)

    def argv(self, task, params=None, raw=None):
        """params: values rendered as KFP would; raw: text passed as is."""
        spec = self.spec
        t = spec["root"]["dag"]["tasks"][task]
        comp = spec["components"][t["componentRef"]["name"]]
        container = spec["deploymentSpec"]["executors"][comp["executorLabel"]]["container"]
        defs = spec["root"].get("inputDefinitions", {}).get("parameters", {})
        values = {name: render((params or {}).get(name, d["defaultValue"]),
                               d["parameterType"]) for name, d in defs.items()}
        values.update(raw or {})
        subst = {}
        for name in t.get("inputs", {}).get("parameters", {}):
            subst["{{$.inputs.parameters['%s']}}" % name] = values[name]
        for name, src in t.get("inputs", {}).get("artifacts", {}).items():
            producer = src["taskOutputArtifact"]
            subst["{{$.inputs.artifacts['%s'].path}}" % name] = self.path(
                producer["producerTask"], producer["outputArtifactKey"])
        outputs = comp.get("outputDefinitions", {}).get("artifacts", {})
        for name in outputs:
            subst["{{$.outputs.artifacts['%s'].path}}" % name] = self.path(task, name)
        subst["{{$}}"] = json.dumps({"outputs": {
            "outputFile": os.path.join(self.root, task, "executor_output.json"),
            "artifacts": {name: {"artifacts": [{
                "name": name, "uri": "minio://bucket/%s/%s" % (task, name),
                "metadata": {}}]} for name in outputs}}})
        command = container["command"]
        assert command[0] == "python3"
        return [self.python] + command[1:] + [subst.get(a, a) for a in container.get("args", [])]

    def run(self, task, params=None, raw=None):
        env = dict(os.environ, **(self.env or {}))
        return subprocess.run(self.argv(task, params, raw), capture_output=True,
                              text=True, env=env, cwd=self.root, timeout=120)


@pytest.fixture
def pipeline_root(tmp_path):
    def make(spec, **kwargs):
        return PipelineRoot(spec, tmp_path, **kwargs)
    return make
