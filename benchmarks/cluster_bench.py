"""Batch on a Dask cluster against the local process pool: 50 articles with espeak-ng, two workers of one thread
on this machine (a distributed.LocalCluster on loopback) against `batch --jobs 2`.

Run: make bench-cluster   (installs the `cluster` extra)

Every run starts cold (empty sentence caches, fresh output folders, a fresh cluster) and is timed end to end
as the user runs it: a fresh `article-audio batch` process, with `--scheduler` for the cluster (the cluster is
started before the clock starts, as a newsroom's would be running already). The two kinds of run alternate,
three of each by default, and the medians are compared. Target: the cluster's throughput at least 0.9 times
the local pool's. The workers run with Dask's sampling profiler off, as the README recommends.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from batch_bench import article_corpus  # noqa: E402
from installed import byte_compile  # noqa: E402


def timed_batch(arguments: list[str], environment: dict) -> float:
    """Wall seconds of one batch run in a fresh process; exits if the batch failed."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipeline", "batch", *arguments], cwd=ROOT, env=environment,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"batch failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs of each (default 3)")
    args = parser.parse_args()
    try:
        import dask
        from distributed import LocalCluster
    except ImportError:
        sys.exit("the cluster extra is missing: run `make bench-cluster` (or pip install -e '.[cluster]')")
    byte_compile()
    work, articles, words = article_corpus("article-audio-cluster-bench-", args.articles)
    print(f"corpus   {args.articles} articles, {words} words, espeak-ng, mp3")

    local_times, cluster_times = [], []
    for repeat in range(args.repeat):  # alternated, so a machine that gets busier slows both alike
        # Every sentence cache starts empty: the local run's (--cache-dir) and the workers' (their user cache).
        run = work / f"run{repeat}"
        environment = {**os.environ, "XDG_CACHE_HOME": str(run / "xdg-local")}
        local_times.append(timed_batch([str(articles), "--out", str(run / "local"), "--jobs", "2", "--cache-dir",
                                        str(run / "local-cache")], environment))
        os.environ["XDG_CACHE_HOME"] = str(run / "xdg-workers")  # the worker processes inherit it
        with dask.config.set({"distributed.worker.daemon": False, "distributed.worker.profile.enabled": False,
                              "temporary-directory": str(run)}), \
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                             local_directory=str(run / "dask"), silence_logs=50) as cluster:
            cluster_times.append(timed_batch([str(articles), "--out", str(run / "cluster"), "--scheduler",
                                              cluster.scheduler_address],
                                             {**environment, "XDG_CACHE_HOME": str(run / "xdg-client")}))
        print(f"run {repeat + 1}    local --jobs 2: {local_times[-1]:.1f} s   cluster: {cluster_times[-1]:.1f} s   "
              f"ratio {local_times[-1] / cluster_times[-1]:.2f}", flush=True)
    local, remote = statistics.median(local_times), statistics.median(cluster_times)
    print(f"local    --jobs 2: median {local:.1f} s ({args.articles / local * 60:.1f} articles a minute)")
    print(f"cluster  2 workers x 1 thread: median {remote:.1f} s ({args.articles / remote * 60:.1f} articles a minute)")
    print(f"ratio    cluster throughput / local = {local / remote:.2f} (medians of {args.repeat}; target >= 0.9)")


if __name__ == "__main__":
    main()
