#!/usr/bin/env python3
"""Offline validation of govscan's deployment examples (called by ci/deploy-check/run).

1. Every document in deploy/kubernetes/*.yaml validates, strictly (unknown fields are errors),
   against the Kubernetes JSON schemas shipped in the kubernetes-validate package, for the
   oldest and the newest Kubernetes version checked (KUBERNETES_VERSIONS). A kind with no schema
   is an error here (the package's own CLI only warns).
2. deploy/ci/github-actions.yml and deploy/ci/gitlab-ci.yml validate against the GitHub
   Workflows and GitLab CI schemas vendored in check-jsonschema (`--builtin-schema`).
3. The shell scripts the manifests run parse (`sh -n`).
4. The shard counts agree: Indexed Job completions = parallelism = SHARDS; the CronJob has
   SHARDS + 1 indexes (the last one merges) and waits less than its deadline; the GitHub matrix
   is 1..SHARDS; GitLab's `parallel` is SHARDS; every PVC and ConfigMap used is defined.
Prints one line per check; exits 1 on the first file with errors (after listing them).
"""

import argparse
import copy
import glob
import os
import subprocess
import sys

import kubernetes_validate
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

# Job.spec.backoffLimitPerIndex is beta (on by default) from 1.29 and GA in 1.33; the pod label
# batch.kubernetes.io/job-name exists from 1.27.
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")

errors = []


def fail(where: str, message: str) -> None:
    errors.append(f"{where}: {message}")
    print(f"FAIL {where}: {message}")


def ok(where: str, message: str) -> None:
    print(f"ok   {where}: {message}")


def load_documents(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def pod_spec(doc: dict) -> dict:
    """The pod template's spec of a Job or CronJob ({} for other kinds)."""
    if doc.get("kind") == "Job":
        return doc["spec"]["template"]["spec"]
    if doc.get("kind") == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return {}


def job_spec(doc: dict) -> dict:
    if doc.get("kind") == "Job":
        return doc["spec"]
    if doc.get("kind") == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]
    return {}


def env_value(container: dict, name: str):
    for var in container.get("env", []):
        if var.get("name") == name:
            return var.get("value")
    return None


def validate_kubernetes(root: str) -> None:
    files = sorted(glob.glob(os.path.join(root, "deploy/kubernetes/*.yaml")))
    if not files:
        fail("deploy/kubernetes", "no manifests found")
        return
    defined = {"PersistentVolumeClaim": set(), "ConfigMap": set()}
    used = []
    for path in files:
        where = os.path.relpath(path, root)
        for doc in load_documents(path):
            kind = doc.get("kind", "?")
            checked = copy.deepcopy(doc)
            # generateName is valid Kubernetes (a fresh name per `kubectl create`), but the
            # package's helper wants a name; the schema check itself does not depend on it.
            meta = checked.setdefault("metadata", {})
            meta.setdefault("name", meta.get("generateName", "unnamed") + "x")
            for version in KUBERNETES_VERSIONS:
                try:
                    kubernetes_validate.validate(checked, version, strict=True)
                    ok(where, f"{kind} {meta['name']} valid (strict) for Kubernetes {version}")
                except ValidationError as e:
                    path_text = ".".join(str(p) for p in e.path)
                    fail(where, f"{kind} invalid for Kubernetes {version} at {path_text}: {e.message}")
                except SchemaNotFoundError as e:
                    fail(where, f"no schema for {kind}: {e.message}")
            if kind in defined:
                defined[kind].add(doc["metadata"]["name"])
            spec = pod_spec(doc)
            for volume in spec.get("volumes", []):
                if "persistentVolumeClaim" in volume:
                    used.append((where, "PersistentVolumeClaim",
                                 volume["persistentVolumeClaim"]["claimName"]))
                if "configMap" in volume:
                    used.append((where, "ConfigMap", volume["configMap"]["name"]))
            check_job(where, doc)
            check_scripts(where, spec)
    for where, kind, name in used:
        if name in defined[kind]:
            ok(where, f"uses {kind} {name}, defined in deploy/kubernetes")
        else:
            fail(where, f"uses {kind} {name}, which no manifest defines")


def check_job(where: str, doc: dict) -> None:
    """Indexed Jobs: the shard counts agree with SHARDS."""
    spec = job_spec(doc)
    if spec.get("completionMode") != "Indexed":
        return
    container = pod_spec(doc)["containers"][0]
    shards = int(env_value(container, "SHARDS") or 0)
    script = " ".join(container.get("args", []) + container.get("command", []))
    expected = shards + 1 if doc["kind"] == "CronJob" else shards
    completions, parallelism = spec.get("completions"), spec.get("parallelism")
    if shards >= 1 and completions == expected and parallelism == expected:
        ok(where, f"{doc['kind']}: {completions} indexes for SHARDS={shards}")
    else:
        fail(where, f"{doc['kind']}: completions {completions} / parallelism {parallelism} "
                    f"do not match SHARDS={shards} (expected {expected})")
    for needle in ("JOB_COMPLETION_INDEX", '--shard "$K/$SHARDS"', "--run-id"):
        if needle not in script:
            fail(where, f"the script does not use {needle}")
    if doc["kind"] == "CronJob":
        wait = int(env_value(container, "WAIT_SECONDS") or 0)
        deadline = spec.get("activeDeadlineSeconds", 0)
        if 0 < wait < deadline and "govscan merge" in script:
            ok(where, f"the merging index waits {wait} s, under the {deadline} s deadline")
        else:
            fail(where, f"WAIT_SECONDS {wait} must be below activeDeadlineSeconds {deadline}")


def check_scripts(where: str, spec: dict) -> None:
    for container in spec.get("containers", []):
        if container.get("command", [])[:2] != ["/bin/sh", "-c"]:
            continue
        for script in container.get("args", [])[:1]:
            result = subprocess.run(["sh", "-n"], input=script, text=True, capture_output=True)
            if result.returncode == 0:
                ok(where, f"container {container['name']}: its shell script parses (sh -n)")
            else:
                fail(where, f"container {container['name']}: sh -n: {result.stderr.strip()}")


def validate_ci(root: str, venv: str) -> None:
    tool = os.path.join(venv, "bin", "check-jsonschema")
    for name, schema in (("deploy/ci/github-actions.yml", "vendor.github-workflows"),
                         ("deploy/ci/gitlab-ci.yml", "vendor.gitlab-ci")):
        path = os.path.join(root, name)
        result = subprocess.run([tool, "--builtin-schema", schema, path], text=True,
                                capture_output=True)
        if result.returncode == 0:
            ok(name, f"valid against check-jsonschema's {schema}")
        else:
            fail(name, f"{schema}: {(result.stdout + result.stderr).strip()}")
    github = load_documents(os.path.join(root, "deploy/ci/github-actions.yml"))[0]
    shards = int(github["env"]["SHARDS"])
    matrix = github["jobs"]["scan"]["strategy"]["matrix"]["shard"]
    if matrix == list(range(1, shards + 1)):
        ok("deploy/ci/github-actions.yml", f"matrix shards 1..{shards} = SHARDS")
    else:
        fail("deploy/ci/github-actions.yml", f"matrix {matrix} is not 1..SHARDS ({shards})")
    gitlab = load_documents(os.path.join(root, "deploy/ci/gitlab-ci.yml"))[0]
    shards = int(gitlab["variables"]["SHARDS"])
    if gitlab["scan"]["parallel"] == shards:
        ok("deploy/ci/gitlab-ci.yml", f"parallel {shards} = SHARDS")
    else:
        fail("deploy/ci/gitlab-ci.yml", f"parallel {gitlab['scan']['parallel']} != SHARDS {shards}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True)
    parser.add_argument("--venv", required=True)
    args = parser.parse_args()
    validate_kubernetes(args.root)
    validate_ci(args.root, args.venv)
    if errors:
        print(f"\n{len(errors)} problem(s) in the deployment examples", file=sys.stderr)
        return 1
    print("\nall deployment examples valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
