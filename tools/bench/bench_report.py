"""The Markdown report of a benchmark run: medians with min-max over the repetitions, ratios of
medians against Unbound and against the echo floor. Pure: measurements in, text out."""

import statistics

import bench_servers
from bench_workloads import HIT_PACED_QPS, MISS_PACED_QPS, TITLES

VIGILD, UNBOUND, ECHO = (bench_servers.VIGILD.label, bench_servers.UNBOUND.label,
                         bench_servers.ECHO.label)
VIGILD_V, UNBOUND_V = bench_servers.VIGILD_VALIDATING.label, bench_servers.UNBOUND_VALIDATING.label
COUNTERS = ["client_queries", "answers", "cache_hits", "upstream_queries", "deduplicated",
            "servfail", "upstream_timeouts", "client_dropped", "secure", "insecure", "bogus",
            "cache_entries", "cache_bytes"]


def select(measurements, workload, server):
    return [m for m in measurements if m.workload == workload and m.server == server]


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def cell(values, digits=1):
    """'median (min–max)', or the one value of a single run, or a dash."""
    values = [value for value in values if value is not None]
    if not values:
        return "—"
    middle = f"{statistics.median(values):,.{digits}f}"
    if len(values) == 1:
        return middle
    return f"{middle} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return "—"
    return f"{numerator / denominator:.2f}×"


def cpu(measurements, workload, server):
    return [m.cpu_us_per_query for m in select(measurements, workload, server)]


def workload_names(profile):
    return {
        "hit": f"{TITLES['hit']}: {profile.hit_names:,} warmed names, unpaced",
        "hit-paced": f"{TITLES['hit-paced']}",
        "miss": f"{TITLES['miss']}: {profile.miss_names:,} distinct names, unpaced",
        "miss-paced": f"{TITLES['miss-paced']}, distinct names",
        "validation": f"{TITLES['validation']}: {profile.validation_names:,} names, unpaced",
    }


def headline(measurements, profile):
    names = workload_names(profile)
    rows = [(names[key], key, VIGILD, UNBOUND) for key in ("hit", "hit-paced", "miss",
                                                           "miss-paced")]
    rows += [(names["validation"] + ", validating", "validation", VIGILD_V, UNBOUND_V),
             (names["validation"] + ", not validating", "validation", VIGILD, UNBOUND)]
    lines = ["| workload | vigild | Unbound | echo | vigild ÷ Unbound | vigild ÷ echo | "
             "Unbound ÷ echo |", "|---|---:|---:|---:|---:|---:|---:|"]
    for title, key, ours, theirs in rows:
        v, u, e = (cpu(measurements, key, server) for server in (ours, theirs, ECHO))
        lines.append(f"| {title} | {cell(v)} | {cell(u)} | {cell(e)} | "
                     f"{ratio(median(v), median(u))} | {ratio(median(v), median(e))} | "
                     f"{ratio(median(u), median(e))} |")
    return lines


def rates_and_latency(measurements, profile):
    names = workload_names(profile)
    order = [("hit", [VIGILD, UNBOUND, ECHO]), ("hit-paced", [VIGILD, UNBOUND, ECHO]),
             ("miss", [VIGILD, UNBOUND, ECHO]), ("miss-paced", [VIGILD, UNBOUND, ECHO]),
             ("validation", [VIGILD_V, VIGILD, UNBOUND_V, UNBOUND, ECHO])]
    lines = ["| workload | server | QPS | p50 µs | p99 µs | p50 ÷ Unbound | answered / sent | "
             "others on server CPU % |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for key, servers in order:
        for server in servers:
            runs = select(measurements, key, server)
            if not runs:
                continue
            p50 = [m.load.percentile(50) for m in runs]
            reference = UNBOUND_V if server == VIGILD_V else UNBOUND
            reference_p50 = [m.load.percentile(50) for m in select(measurements, key, reference)]
            answered = sum(m.load.completed for m in runs)
            sent = sum(m.load.sent for m in runs)
            lines.append(f"| {names[key]} | {server} | {cell([m.load.qps for m in runs], 0)} | "
                         f"{cell(p50, 0)} | {cell([m.load.percentile(99) for m in runs], 0)} | "
                         f"{ratio(median(p50), median(reference_p50))} | "
                         f"{answered:,} / {sent:,} | "
                         f"{cell([m.others_on_server_cpu * 100 for m in runs], 0)} |")
    return lines


def validation_cost(measurements):
    """Extra CPU per secure answer: validating minus not validating, paired run by run."""
    lines = ["| server | validating µs/query | not validating µs/query | extra µs per secure "
             "answer | extra ÷ Unbound's |", "|---|---:|---:|---:|---:|"]
    extras = {}
    for name, on, off in (("vigild", VIGILD_V, VIGILD), ("Unbound", UNBOUND_V, UNBOUND)):
        with_v, without = cpu(measurements, "validation", on), cpu(measurements, "validation", off)
        extras[name] = [a - b for a, b in zip(with_v, without) if a is not None and b is not None]
        extras[name + " cells"] = (cell(with_v), cell(without), cell(extras[name]))
    for name in ("vigild", "Unbound"):
        on, off, extra = extras[name + " cells"]
        versus = ratio(median(extras[name]), median(extras["Unbound"]))
        lines.append(f"| {name} | {on} | {off} | {extra} | {versus} |")
    return lines


def memory(measurements, profile):
    lines = [f"| server | RSS at start MiB | RSS after {profile.miss_names:,} names MiB | "
             "KiB per cached record | ÷ Unbound |", "|---|---:|---:|---:|---:|"]
    unbound = median([m.kib_per_record for m in select(measurements, "miss", UNBOUND)])
    for server in (VIGILD, UNBOUND):
        runs = select(measurements, "miss", server)
        per_record = [m.kib_per_record for m in runs]
        lines.append(f"| {server} | {cell([m.rss_start_kib / 1024 for m in runs])} | "
                     f"{cell([m.rss_end_kib / 1024 for m in runs])} | {cell(per_record, 2)} | "
                     f"{ratio(median(per_record), unbound)} |")
    return lines


def vigild_counters(measurements):
    """vigild's own counters at the end of each start of the first repetition (one start serves
    the warming, unpaced and paced cache-hit runs)."""
    lines = ["| workload | server | " + " | ".join(COUNTERS) + " |",
             "|---|---|" + "---:|" * len(COUNTERS)]
    for m in measurements:
        if m.rep != 0 or not m.counters or m.workload == "hit-paced":
            continue
        values = " | ".join(f"{m.counters.get(name, 0):,}" for name in COUNTERS)
        title = "cache hit (warming, unpaced, paced)" if m.workload == "hit" else TITLES[m.workload]
        lines.append(f"| {title} | {m.server} | {values} |")
    return lines


def render(measurements, profile, meta, problems, failures=()):
    out = [f"# vigil benchmark, {meta['date']}", ""]
    out += [f"- {key}: {value}" for key, value in meta.items() if key != "date"]
    out += ["", "## Server CPU time per query (µs)", "",
            f"utime + stime of the server process over the load, divided by the queries it "
            f"answered; median (min–max) of {profile.reps} run(s). Lower is better.", ""]
    out += headline(measurements, profile)
    out += ["", "## Rate and latency", "",
            "QPS as dnsperf measured it (unpaced runs are bound by the load generator on this "
            f"machine); p50/p99 from dnsperf -v's per-query latencies, paced runs only "
            f"({HIT_PACED_QPS:,} and {MISS_PACED_QPS:,} QPS).", ""]
    out += rates_and_latency(measurements, profile)
    out += ["", "## Validation (algorithm 13)", ""] + validation_cost(measurements)
    out += ["", "## Memory", "",
            "RSS growth over the cache-miss run divided by the names answered.", ""]
    out += memory(measurements, profile)
    out += ["", "## vigild's counters (first run of each workload)", ""]
    out += vigild_counters(measurements)
    out += ["", "## Problems seen", ""]
    out += [f"- FAILED: {failure}" for failure in failures]
    out += [f"- {problem}" for problem in problems]
    if not problems and not failures:
        out.append("- none")
    return "\n".join(out) + "\n"
