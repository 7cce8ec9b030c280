"""The workloads of issue 6, each a method that runs one server configuration once (from a fresh
start) and returns its measurements: server CPU time over the load from /proc, dnsperf's counts
and rate, latency percentiles for paced runs, resident memory for the miss run, and vigild's own
counters. What looks wrong is reported, never silently averaged in: lost queries and answers
other than NOERROR in `problems`; a run with no answer at all, or a validating server whose
answer lacks the AD bit (or a non-validating one whose answer has it), in `failures`, which
make the run fail."""

import dataclasses
import random

import bench_load
import bench_servers
import bench_zone

HIT_PACED_QPS = 20_000
MISS_PACED_QPS = 2_000
WARM_SECONDS_LIMIT = 120.0

TITLES = {
    "hit": "cache hit",
    "hit-paced": f"cache hit, paced {HIT_PACED_QPS // 1000}k QPS",
    "miss": "cache miss",
    "miss-paced": f"cache miss, paced {MISS_PACED_QPS // 1000}k QPS",
    "validation": "cache miss, signed zone",
}


@dataclasses.dataclass(frozen=True)
class Profile:
    name: str
    reps: int
    zone_names: int  # names in each zone
    hit_names: int  # warmed, then replayed
    hit_seconds: float  # unpaced replay
    hit_paced_seconds: float
    miss_names: int  # distinct names asked once, fresh start (also the memory workload)
    miss_paced_seconds: float
    validation_names: int  # distinct names of the signed zone, fresh start
    miss_seconds_limit: float  # bound on one unpaced miss or validation run


@dataclasses.dataclass
class Measurement:
    workload: str  # a key of TITLES
    server: str  # ServerConfig.label
    rep: int
    load: bench_load.Load
    cpu_seconds: float
    # Share of the server CPU's time that went to other processes (and interrupts) during the
    # load: how quiet the machine was.
    others_on_server_cpu: float = None
    rss_start_kib: int = None
    rss_end_kib: int = None
    counters: dict = dataclasses.field(default_factory=dict)  # vigild's, for the whole start

    @property
    def cpu_us_per_query(self):
        return self.cpu_seconds / self.load.completed * 1e6 if self.load.completed else None

    @property
    def kib_per_record(self):
        if self.rss_end_kib is None or not self.load.completed:
            return None
        return (self.rss_end_kib - self.rss_start_kib) / self.load.completed


class Bench:
    def __init__(self, setup, profile, load_cpu):
        self.setup = setup
        self.profile = profile
        self.load_cpu = load_cpu
        self.problems = []
        self.failures = []
        self.files = self._write_query_files()

    def _write_query_files(self):
        profile, directory = self.profile, self.setup.directory
        plain, signed = bench_zone.PLAIN, bench_zone.SIGNED
        misses = bench_zone.names_of(plain, min(profile.miss_names, profile.zone_names))
        random.Random(6).shuffle(misses)  # fixed seed: every run asks in the same order
        paced = min(profile.zone_names, int(MISS_PACED_QPS * profile.miss_paced_seconds) + 1)
        write = bench_load.write_query_file
        return {
            "hit": write(directory / "hit.txt", bench_zone.names_of(plain, profile.hit_names)),
            "miss": write(directory / "miss.txt", misses),
            "miss-paced": write(directory / "miss-paced.txt", bench_zone.names_of(plain, paced)),
            "validation": write(directory / "validation.txt", bench_zone.names_of(
                signed, min(profile.validation_names, profile.zone_names))),
        }

    def _measure(self, server, workload, rep, **load_args):
        before, cpu_before = server.cpu_seconds(), bench_servers.cpu_ticks(self.setup.cpu)
        load = bench_load.run_dnsperf(server.port, self.files[workload.split("-")[0]],
                                      self.load_cpu, **load_args)
        if not server.is_running():
            raise RuntimeError(f"{server.config.label} exited during {workload}:\n"
                               f"{server.log_tail()}")
        cpu_seconds = server.cpu_seconds() - before
        busy, total = (after - start for after, start in
                       zip(bench_servers.cpu_ticks(self.setup.cpu), cpu_before))
        others = (busy - cpu_seconds * bench_servers.CLOCK_TICKS) / total if total else None
        measurement = Measurement(workload, server.config.label, rep, load, cpu_seconds,
                                  others_on_server_cpu=max(0.0, others or 0.0))
        self._check(measurement)
        return measurement

    def _check(self, measurement):
        load, where = measurement.load, f"{measurement.server}, {measurement.workload}, " \
                                        f"run {measurement.rep + 1}"
        if load.lost:
            self.problems.append(f"{where}: {load.lost} of {load.sent} queries lost (no answer "
                                 f"within {bench_load.QUERY_TIMEOUT_SECONDS} s)")
        others = {code: count for code, count in load.rcodes.items() if code != "NOERROR"}
        if others:
            self.problems.append(f"{where}: answers other than NOERROR: {others}")
        if not load.completed:
            self.failures.append(f"{where}: no query answered")

    def _run(self, config, body):
        server = bench_servers.start_server(self.setup, config)
        try:
            measurements = body(server)
        finally:
            counters = server.stop()
        for measurement in measurements:
            measurement.counters = counters
        return measurements

    def hit(self, config, rep):
        """10,000 names asked once (warming), then replayed unpaced, then replayed paced."""
        profile = self.profile

        def body(server):
            warm = bench_load.run_dnsperf(server.port, self.files["hit"], self.load_cpu,
                                          WARM_SECONDS_LIMIT)
            if warm.completed != profile.hit_names:
                self.problems.append(f"{config.label}, warming run {rep + 1}: "
                                     f"{warm.completed} of {profile.hit_names} names answered")
            unpaced = self._measure(server, "hit", rep, seconds=profile.hit_seconds,
                                    repeat=True)
            paced = self._measure(server, "hit-paced", rep, seconds=profile.hit_paced_seconds,
                                  repeat=True, qps=HIT_PACED_QPS)
            return [unpaced, paced]
        return self._run(config, body)

    def hit_unpaced(self, config, rep, clients=None):
        """The hit workload without its paced part (--threads-compare): warm, then replay
        unpaced from `clients` dnsperf sockets."""
        profile = self.profile

        def body(server):
            warm = bench_load.run_dnsperf(server.port, self.files["hit"], self.load_cpu,
                                          WARM_SECONDS_LIMIT, clients=clients)
            if warm.completed != profile.hit_names:
                self.problems.append(f"{config.label}, warming run {rep + 1}: "
                                     f"{warm.completed} of {profile.hit_names} names answered")
            return [self._measure(server, "hit", rep, seconds=profile.hit_seconds, repeat=True,
                                  clients=clients)]
        return self._run(config, body)

    def miss(self, config, rep):
        """Every name once, unpaced, from a fresh start; RSS before and after (memory)."""
        def body(server):
            rss_start = server.rss_kib()
            measurement = self._measure(server, "miss", rep,
                                        seconds=self.profile.miss_seconds_limit)
            measurement.rss_start_kib, measurement.rss_end_kib = rss_start, server.rss_kib()
            return [measurement]
        return self._run(config, body)

    def miss_paced(self, config, rep):
        """Distinct names at a paced rate from a fresh start: the latency of a miss."""
        return self._run(config, lambda server: [self._measure(
            server, "miss-paced", rep, seconds=self.profile.miss_paced_seconds,
            qps=MISS_PACED_QPS)])

    def validation(self, config, rep):
        """Distinct names of the signed zone, unpaced, from a fresh start; then one answer's AD
        bit says whether the server validated (echo is the floor, not a resolver)."""
        def body(server):
            measurement = self._measure(server, "validation", rep,
                                        seconds=self.profile.miss_seconds_limit)
            if config.kind != "echo":
                has_ad = server.has_ad(bench_zone.host_name(0, bench_zone.SIGNED))
                if has_ad != config.validating:
                    self.failures.append(
                        f"{config.label}, validation run {rep + 1}: an answer from the signed "
                        f"zone came back with AD={int(has_ad)}, expected {int(config.validating)}")
            return [measurement]
        return self._run(config, body)

    def repetition(self, rep, on_step=None):
        """One repetition: every workload, its servers one after another (A/B/A/B over reps)."""
        plan = [
            (self.hit, [bench_servers.VIGILD, bench_servers.UNBOUND, bench_servers.ECHO]),
            (self.miss, [bench_servers.VIGILD, bench_servers.UNBOUND, bench_servers.ECHO]),
            (self.miss_paced, [bench_servers.VIGILD, bench_servers.UNBOUND, bench_servers.ECHO]),
            (self.validation, [bench_servers.VIGILD_VALIDATING, bench_servers.VIGILD,
                               bench_servers.UNBOUND_VALIDATING, bench_servers.UNBOUND,
                               bench_servers.ECHO]),
        ]
        measurements = []
        for method, configs in plan:
            for config in configs:
                if on_step is not None:
                    on_step(f"run {rep + 1}: {method.__name__.replace('_', '-')} {config.label}")
                measurements += method(config, rep)
        return measurements
