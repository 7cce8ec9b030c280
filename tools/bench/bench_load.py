"""The load: dnsperf (Debian's package) pinned to the load CPU, always bounded in time (-l) and in
passes through its query file (-n). Paced runs (-Q) also ask dnsperf for every query's latency
(-v), from which the percentiles are computed here: dnsperf itself reports only the mean."""

import dataclasses
import math
import re
import shutil
import subprocess

# dnsperf waits this long (its -t) for the last answers before it gives a query up as lost.
QUERY_TIMEOUT_SECONDS = 5
# The most queries a second any server here could answer, to bound passes through a file.
MAX_PLAUSIBLE_QPS = 1_000_000


class MissingTool(RuntimeError):
    pass


def require_dnsperf():
    if shutil.which("dnsperf") is None:
        raise MissingTool("dnsperf is not installed: run tools/install-deps as root "
                          "(or apt-get install dnsperf)")


@dataclasses.dataclass
class Load:
    sent: int
    completed: int
    lost: int
    rcodes: dict  # name -> count, e.g. {"NOERROR": 100000}
    seconds: float
    qps: float
    latencies: list = None  # seconds, one per answered query, for paced runs

    def percentile(self, p):
        """Nearest-rank percentile of the per-query latencies, in microseconds."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1e6


def write_query_file(path, names, rdtype="A"):
    path.write_text("".join(f"{name} {rdtype}\n" for name in names))
    return path


def parse_statistics(output):
    def number(label, kind=int):
        match = re.search(rf"^\s*{label}:\s+([\d.]+)", output, re.M)
        if match is None:
            raise RuntimeError(f"dnsperf printed no '{label}':\n{output[-2000:]}")
        return kind(match.group(1))
    rcodes = {}
    match = re.search(r"^\s*Response codes:\s+(.*)$", output, re.M)
    if match:
        rcodes = {name: int(count) for name, count in re.findall(r"(\w+) (\d+) \(", match.group(1))}
    return Load(sent=number("Queries sent"), completed=number("Queries completed"),
                lost=number("Queries lost"), rcodes=rcodes,
                seconds=number(r"Run time \(s\)", float),
                qps=number("Queries per second", float))


def parse_latencies(output):
    """dnsperf -v prints '> RCODE NAME TYPE SECONDS' per answer and '> T NAME TYPE' per loss."""
    latencies = []
    for line in output.splitlines():
        if line.startswith("> ") and not line.startswith("> T "):
            try:
                latencies.append(float(line.rsplit(None, 1)[1]))
            except (IndexError, ValueError):
                continue
    return latencies


def run_dnsperf(port, query_file, cpu, seconds, repeat=False, qps=None, clients=None):
    """One dnsperf run against 127.0.0.1:port for at most `seconds`: one pass through
    `query_file`, or with `repeat` as many as `seconds` could take at MAX_PLAUSIBLE_QPS; paced to
    `qps` queries a second, with per-query latencies, if qps is given. `cpu`: taskset's CPU list;
    `clients`: dnsperf -c, that many sockets (source ports) instead of one."""
    passes = 1
    if repeat:
        names = max(1, sum(1 for _ in open(query_file)))
        passes = math.ceil(seconds * MAX_PLAUSIBLE_QPS / names)
    argv = ["taskset", "-c", str(cpu), "dnsperf", "-s", "127.0.0.1", "-p", str(port),
            "-d", str(query_file), "-l", f"{seconds:g}", "-n", str(passes),
            "-t", str(QUERY_TIMEOUT_SECONDS)]
    if qps is not None:
        argv += ["-Q", str(qps), "-v"]
    if clients is not None:
        argv += ["-c", str(clients)]
    # Bounded here too: a dnsperf that hangs is killed (subprocess.run kills on timeout).
    result = subprocess.run(argv, capture_output=True, text=True, check=False,
                            timeout=seconds + QUERY_TIMEOUT_SECONDS + 30)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({result.returncode}):\n{output[-2000:]}")
    load = parse_statistics(output)
    if qps is not None:
        load.latencies = parse_latencies(result.stdout)
    return load
