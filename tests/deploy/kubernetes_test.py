#!/usr/bin/env python3
"""deploy/kubernetes: no cluster is available here, so this test checks what
one would act on - the manifests' structure and their agreement with each
other and with the Dockerfile - and then runs the containers' own command
lines with the local dsim, JOB_COMPLETION_INDEX set as an Indexed Job sets
it, to show the flags are right and the shards merge to a whole range.
Usage: kubernetes_test.py DSIM"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy", "kubernetes")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def load(name):
    with open(os.path.join(DEPLOY, name)) as f:
        return yaml.safe_load(f)


def container(job):
    spec = job["spec"]["template"]["spec"]
    check(spec.get("restartPolicy") in ("Never", "OnFailure"), "a Job's pods need restartPolicy Never or OnFailure")
    check(len(spec["containers"]) == 1, "one container per pod")
    return spec, spec["containers"][0]


def shell_line(c):
    check(c["command"] == ["/bin/sh", "-c"], "the container runs its args with /bin/sh -c")
    return c["args"][0]


def main():
    dsim = os.path.abspath(sys.argv[1])
    fuzz, merge, pvc = load("fuzz-job.yaml"), load("merge-job.yaml"), load("results-pvc.yaml")

    # The fuzz job: an Indexed Job whose completions are the shards.
    check(fuzz["apiVersion"] == "batch/v1" and fuzz["kind"] == "Job", "fuzz-job.yaml is a batch/v1 Job")
    spec = fuzz["spec"]
    check(spec.get("completionMode") == "Indexed", "the fuzz job is Indexed (it sets JOB_COMPLETION_INDEX)")
    n = spec["completions"]
    check(isinstance(n, int) and n >= 1, "completions is a positive number")
    check(1 <= spec.get("parallelism", n) <= n, "parallelism is at most completions")
    pod, c = container(fuzz)
    line = shell_line(c)
    shard = re.search(r"--shard=auto/(\d+)", line)
    check(shard and int(shard.group(1)) == n, f"--shard=auto/N must use N = completions = {n}")
    check("$JOB_COMPLETION_INDEX" in line, "each pod writes its own file, named by its index")
    check("--resume" in line, "a retried pod resumes its file")
    fuzz_range = re.search(r"--seeds=(\d+\.\.\d+)", line).group(1)
    scenario = re.search(r"dsim fuzz (\S+)", line).group(1)
    check(os.path.exists(os.path.join(ROOT, scenario)), f"{scenario} is in the image's /opt/dsim")
    out = re.search(r"--out=(/\S+)/shard-", line).group(1)

    # Both jobs mount the same claim where the command writes and reads.
    def mounts(p, cont):
        vols = {v["name"]: v for v in p["volumes"]}
        return {m["mountPath"]: vols[m["name"]]["persistentVolumeClaim"]["claimName"] for m in cont["volumeMounts"]}
    check(mounts(pod, c).get(out) == pvc["metadata"]["name"], f"--out is on the results claim mounted at {out}")
    mpod, mc = container(merge)
    check(merge["kind"] == "Job" and merge["spec"].get("completionMode", "NonIndexed") == "NonIndexed",
          "the merge is one plain Job")
    mline = shell_line(mc)
    check(mounts(mpod, mc).get(out) == pvc["metadata"]["name"], "the merge reads the same claim")
    check(f"dsim merge {out}/shard-*.jsonl" in mline, "the merge reads every shard's file")
    check(f"--seeds={fuzz_range}" in mline, "the merge names the campaign's range, to find missing seeds")
    check(pvc["kind"] == "PersistentVolumeClaim" and "ReadWriteMany" in pvc["spec"]["accessModes"],
          "the results claim is ReadWriteMany: every pod writes to it")
    check(c["image"] == mc["image"], "both jobs run the same image")

    # The Dockerfile: Debian 12, Debian packages only, the tag the jobs use.
    dockerfile = open(os.path.join(DEPLOY, "Dockerfile")).read()
    check(re.search(r"^FROM debian:12\b", dockerfile, re.M), "the image builds on Debian 12")
    check(f"-t {c['image']} ." in dockerfile, f"the Dockerfile's build command tags {c['image']}")
    lib = open(os.path.join(ROOT, "tools", "lib.sh")).read()
    build_packages = set(re.search(r"DSIM_BUILD_PACKAGES=\(([^)]*)\)", lib, re.S).group(1).split())
    first_install = re.search(r"apt-get install -y --no-install-recommends ([^\\&]+)", dockerfile).group(1).split()
    check(set(first_install) <= build_packages, f"the build stage installs only dsim's build packages: {first_install}")
    absl = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libabsl-dev"], capture_output=True, text=True)
    if absl.returncode == 0:
        runtime = "libabsl" + absl.stdout.split(".")[0].split("-")[0]
        check(runtime in dockerfile, f"the runtime stage installs {runtime}, the library libabsl-dev builds against")
    check("ENTRYPOINT [\"/usr/local/bin/dsim\"]" in dockerfile and "/opt/dsim/scenarios" in dockerfile,
          "the image runs dsim from /opt/dsim with the scenarios")

    # The command lines themselves, on a small range, with the local dsim.
    with tempfile.TemporaryDirectory() as tmp:
        small = "1..48"
        bin_dir = os.path.join(tmp, "bin")
        os.mkdir(bin_dir)
        os.symlink(dsim, os.path.join(bin_dir, "dsim"))
        env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
        for k in range(n):
            cmd = line.replace(fuzz_range, small).replace(out, tmp)
            r = subprocess.run(["/bin/sh", "-c", cmd], cwd=ROOT, env=dict(env, JOB_COMPLETION_INDEX=str(k)),
                               capture_output=True, text=True)
            check(r.returncode == 0, f"pod {k}: exit {r.returncode}: {r.stdout}{r.stderr}")
        r = subprocess.run(["/bin/sh", "-c", mline.replace(fuzz_range, small).replace(out, tmp)], cwd=ROOT,
                           env=env, capture_output=True, text=True)
        check("every seed of the range is there" in r.stdout, f"the merge of {n} pods: {r.stdout}{r.stderr}")
        check(re.search(r"dsim merge exit [01]$", r.stdout.strip()), f"the merge job's last line: {r.stdout}")
        merged = r.stdout

    if failures:
        for f in failures:
            print("FAIL:", f)
        return 1
    print(f"ok: {n}-index Job, merge Job, claim and Dockerfile agree; the pods' commands merged: "
          + merged.splitlines()[1].strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
