"""Timing a command from outside, as a user waits for it."""
import contextlib
import os
import subprocess
import sys
import time


def timed(command, env=None, stdin_path=None, repeat=1):
    """Best wall time of `repeat` runs and the largest peak RSS (MiB) among them, both from the same runs:
    /usr/bin/time reports the child's own peak, which RUSAGE_CHILDREN cannot separate from earlier children.
    `stdin_path` is opened afresh for each run (a file object would be at its end after the first)."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        with open(stdin_path) if stdin_path else contextlib.nullcontext() as stdin:
            result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, stdin=stdin,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(command)} failed: {result.stderr[-400:]}")
        peaks.append(int(result.stderr.strip().splitlines()[-1]) / 1024)
    return min(times), max(peaks)


def seen_under_tmux(command, text, runs=3):
    """Best wall time (s) from starting `command` in a new tmux pane until `text` is on it."""
    best = None
    for run in range(runs):
        socket = f"clientele-bench-{os.getpid()}-{run}"
        start = time.perf_counter()
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "b", "-x", "120", "-y", "30",
                        f"{command}; sleep 30"], check=True)
        try:
            while time.perf_counter() - start < 20:
                pane = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", "b"], capture_output=True,
                                      text=True).stdout
                if text in pane:
                    elapsed = time.perf_counter() - start
                    best = elapsed if best is None else min(best, elapsed)
                    break
        finally:
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    return best
