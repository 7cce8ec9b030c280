"""--threads-compare: the cache-hit workload against vigild with 1 and 2 threads (config key
threads) and Unbound with num-threads 1 and 2, side by side. Servers and dnsperf may all use
every CPU (on a 2-core machine dnsperf shares the cores with the server's threads), and dnsperf
asks from several sockets, since SO_REUSEPORT spreads clients over vigild's workers by source
port. The figures: QPS, server CPU time per query, and 2-thread ÷ 1-thread ratios."""

import statistics

from bench_servers import ServerConfig

# dnsperf's sockets: enough source ports for the kernel's hash to feed both workers.
CLIENTS = 16

CONFIGS = [
    ServerConfig("vigild, 1 thread", "vigild"),
    ServerConfig("vigild, 2 threads", "vigild", threads=2),
    ServerConfig("Unbound, 1 thread", "unbound"),
    ServerConfig("Unbound, 2 threads", "unbound", threads=2),
]


def run(bench, reps, on_step):
    """Every configuration once per repetition (A/B/A/B); returns Measurements."""
    measurements = []
    for rep in range(reps):
        for config in CONFIGS:
            on_step(f"run {rep + 1}: threads-compare {config.label}")
            measurements += bench.hit_unpaced(config, rep, clients=CLIENTS)
    return measurements


def _median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def _text(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(two, one):
    return "–" if not two or not one else f"{two / one:.2f}×"


def render(measurements, meta, problems, failures):
    """One Markdown report: the table, then what vigild's counters say about the workers."""
    by_label = {config.label: [m for m in measurements if m.server == config.label]
                for config in CONFIGS}
    qps = {label: _median([m.load.qps for m in runs]) for label, runs in by_label.items()}
    cpu = {label: _median([m.cpu_us_per_query for m in runs]) for label, runs in by_label.items()}
    lines = ["# vigild and Unbound, 1 and 2 threads: cache hit", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    lines += ["", "| server | threads | QPS | CPU µs/query | QPS 2 ÷ 1 | CPU/query 2 ÷ 1 |",
              "|---|---:|---:|---:|---:|---:|"]
    for name in ("vigild", "Unbound"):
        one, two = f"{name}, 1 thread", f"{name}, 2 threads"
        lines.append(f"| {name} | 1 | {_text(qps[one], 0)} | {_text(cpu[one])} | | |")
        lines.append(f"| {name} | 2 | {_text(qps[two], 0)} | {_text(cpu[two])} | "
                     f"{_ratio(qps[two], qps[one])} | {_ratio(cpu[two], cpu[one])} |")
    lines += ["", "| | vigild ÷ Unbound, 1 thread | vigild ÷ Unbound, 2 threads |",
              "|---|---:|---:|",
              f"| QPS | {_ratio(qps['vigild, 1 thread'], qps['Unbound, 1 thread'])} | "
              f"{_ratio(qps['vigild, 2 threads'], qps['Unbound, 2 threads'])} |",
              f"| CPU µs/query | {_ratio(cpu['vigild, 1 thread'], cpu['Unbound, 1 thread'])} | "
              f"{_ratio(cpu['vigild, 2 threads'], cpu['Unbound, 2 threads'])} |", ""]
    for m in by_label["vigild, 2 threads"]:
        workers = {k: v for k, v in m.counters.items() if k.startswith("queries_worker_")}
        lines.append(f"- vigild, 2 threads, run {m.rep + 1}: client queries per worker "
                     f"{workers or '(no counters)'}; upstream_queries "
                     f"{m.counters.get('upstream_queries', '?')}")
    if problems or failures:
        lines += ["", "Problems seen:"] + [f"- {p}" for p in problems]
        lines += [f"- FAILED: {f}" for f in failures]
    return "\n".join(lines) + "\n"

