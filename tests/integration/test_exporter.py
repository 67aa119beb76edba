# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctkit-exporter (issue 15): Prometheus metrics of conntrack tables.

The exporter runs in the lab's "srv" namespace, listening on its loopback,
and exports the table of the lab's "ns" namespace (and with --netns all,
every namespace). Entries are made with the reference conntrack; the
counts scraped must follow them through events. promtool checks the
exposition, and a real Prometheus server (Debian's) scrapes it.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from urllib.parse import quote

import pytest

import ctharness

PORT = 9466
PROM_PORT = 9490


def exporter_bin():
    explicit = os.environ.get("CTKIT_EXPORTER")
    if explicit:
        return explicit
    return os.path.join(os.path.dirname(ctharness.ctk_cmd()[0]), "ctkit-exporter")


def fill_bin():
    return os.path.join(os.path.dirname(ctharness.ctk_cmd()[0]), "bench", "fill")


GET = ("import sys, urllib.request\n"
       "r = urllib.request.urlopen(sys.argv[1], timeout=10)\n"
       "sys.stdout.write(r.read().decode())\n")


def http_get(lab, url):
    """GET inside the exporter's namespace (its loopback is not the machine's)."""
    r = lab.run([ctharness.PYTHON, "-c", GET, url], ns=lab.srv)
    assert r.rc == 0, r.err
    return r.out


def samples(text, name):
    """{frozenset of label pairs: value} of one metric family."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"%s\{(.*)\} (\S+)$" % re.escape(name), line)
        if m:
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
            out[labels] = float(m.group(2))
    return out


def entries_of(text, netns):
    """{(family, protocol, state): count} of conntrack_entries for one namespace."""
    got = {}
    for labels, v in samples(text, "conntrack_entries").items():
        d = dict(labels)
        if d["netns"] == netns:
            got[(d["family"], d["protocol"], d["state"])] = int(v)
    return got


class Exporter:
    def __init__(self, lab, args, env=None):
        argv = [exporter_bin(), "--listen", "127.0.0.1:%d" % PORT] + args
        if env:
            argv = ["env"] + ["%s=%s" % kv for kv in env.items()] + argv
        self.lab = lab
        self.proc = subprocess.Popen(lab.prefix(lab.srv) + argv, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        lab.bg.append(self.proc)
        line = self.proc.stderr.readline()     # says it listens once every table is counted
        assert "listening on" in line, line + self.proc.stderr.read()

    def scrape(self):
        return http_get(self.lab, "http://127.0.0.1:%d/metrics" % PORT)

    def wait_for(self, check, timeout=5):
        """Scrape until check(text) is true: events reach the census asynchronously."""
        deadline = time.time() + timeout
        while True:
            text = self.scrape()
            if check(text) or time.time() > deadline:
                return text
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        err = self.proc.communicate(timeout=20)[1]
        assert self.proc.returncode == 0, err
        return err


@pytest.fixture(scope="module")
def lab():
    lab = ctharness.Lab().create(topology=False)
    try:
        yield lab
    finally:
        lab.destroy()


ENTRIES = [
    ["-p", "tcp", "-s", "10.6.0.1", "-d", "10.6.0.9", "--sport", "1", "--dport", "80",
     "--state", "ESTABLISHED", "-t", "300", "-u", "ASSURED"],
    ["-p", "tcp", "-s", "10.6.0.2", "-d", "10.6.0.9", "--sport", "1", "--dport", "80",
     "--state", "ESTABLISHED", "-t", "300"],
    ["-p", "tcp", "-s", "10.6.1.3", "-d", "10.6.0.9", "--sport", "1", "--dport", "443",
     "--state", "SYN_SENT", "-t", "300"],
    ["-p", "udp", "-s", "10.6.1.4", "-d", "10.6.0.9", "--sport", "5", "--dport", "53", "-t", "300"],
    ["-p", "udp", "-s", "fd06::1", "-d", "fd06::9", "--sport", "5", "--dport", "53", "-t", "300"],
]


@pytest.fixture
def table(lab):
    for ns in (lab.ns, lab.cli, lab.srv):
        lab.run(ctharness.REF + ["-F"], ns=ns)
    for args in ENTRIES:
        r = lab.ref(["-I"] + args)
        assert r.rc == 0, r.err
    return lab


WANT = {("ipv4", "tcp", "ESTABLISHED"): 2, ("ipv4", "tcp", "SYN_SENT"): 1,
        ("ipv4", "udp", ""): 1, ("ipv6", "udp", ""): 1}


def ns_value(text, name, netns):
    return samples(text, name).get(frozenset({("netns", netns)}))


def test_counts_then_kept_by_events(table):
    ex = Exporter(table, ["--netns", table.ns, "--recount-interval", "1"])
    try:
        text = ex.scrape()
        assert entries_of(text, table.ns) == WANT
        # made before anything listened: the kernel will send no events for these
        assert ns_value(text, "conntrack_silent_entries", table.ns) == len(ENTRIES)
        # a new entry, its state change and its end reach the counts by events
        new = ["-p", "tcp", "-s", "10.6.2.1", "-d", "10.6.0.9", "--sport", "9", "--dport", "22"]
        assert table.ref(["-I"] + new + ["--state", "SYN_SENT", "-t", "300"]).rc == 0
        want = dict(WANT)
        want[("ipv4", "tcp", "SYN_SENT")] += 1
        text = ex.wait_for(lambda t: entries_of(t, table.ns) == want)
        assert entries_of(text, table.ns) == want
        assert table.ref(["-U"] + new + ["--state", "TIME_WAIT"]).rc == 0
        want[("ipv4", "tcp", "SYN_SENT")] -= 1
        want[("ipv4", "tcp", "TIME_WAIT")] = 1
        text = ex.wait_for(lambda t: entries_of(t, table.ns) == want)
        assert entries_of(text, table.ns) == want
        assert table.ref(["-D"] + new).rc == 0
        del want[("ipv4", "tcp", "TIME_WAIT")]
        text = ex.wait_for(lambda t: entries_of(t, table.ns) == want)
        assert entries_of(text, table.ns) == want
        events = {dict(k)["type"]: v for k, v in samples(text, "conntrack_events_total").items()}
        assert events == {"new": 1, "update": 1, "destroy": 1}
        # a silent entry's end is found by the next recount
        assert table.ref(["-D", "-p", "udp", "-s", "fd06::1"]).rc == 0
        del want[("ipv6", "udp", "")]
        text = ex.wait_for(lambda t: entries_of(t, table.ns) == want, timeout=10)
        assert entries_of(text, table.ns) == want
        assert ns_value(text, "conntrack_silent_entries", table.ns) == len(ENTRIES) - 1
        assert ns_value(text, "conntrack_recounts_total", table.ns) >= 1
    finally:
        ex.stop()


def test_statistics_and_the_rest_of_the_exposition(table):
    ex = Exporter(table, ["--netns", table.ns])
    try:
        text = ex.scrape()
    finally:
        ex.stop()
    # the kernel's per-CPU counters, summed, as conntrack -S shows them
    ref = table.ref(["-S"]).out
    inserted = sum(int(v) for v in re.findall(r"\binsert=(\d+)", ref))
    assert samples(text, "conntrack_stat_insert_total") == {
        frozenset({("netns", table.ns)}): inserted}
    for name in ("found", "invalid", "insert_failed", "drop", "early_drop", "error",
                 "search_restart"):
        assert "# TYPE conntrack_stat_%s_total counter" % name in text
    assert samples(text, "conntrack_expectations") == {frozenset({("netns", table.ns)}): 0}
    limit = int(open("/proc/sys/net/netfilter/nf_conntrack_max").read())
    assert "\nconntrack_entries_limit %d\n" % limit in text
    assert re.search(r'ctkit_exporter_build_info\{version="[\d.]+"\} 1', text)


def test_promtool_accepts_the_exposition(table):
    promtool = shutil.which("promtool")
    if not promtool:
        if os.environ.get("CI") == "true":
            pytest.fail("promtool missing (make deps installs prometheus)")
        pytest.skip("promtool not installed (apt-get install prometheus)")
    ex = Exporter(table, ["--netns", table.ns, "--group-by", "src/24,proto", "--per-cpu"])
    try:
        text = ex.scrape()
    finally:
        ex.stop()
    r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_group_by_series(table):
    ex = Exporter(table, ["--netns", table.ns, "--group-by", "src/24", "--top", "2"])
    try:
        text = ex.scrape()
    finally:
        ex.stop()
    got = {dict(k)["src"]: v for k, v in samples(text, "conntrack_group_entries").items()}
    assert got == {"10.6.0.0/24": 2, "10.6.1.0/24": 2}


def test_a_burst_that_loses_events_is_counted_again(table):
    """A tiny event queue makes the kernel drop events in a burst: the census is
    counted again from a dump, and the counts end exact."""
    ex = Exporter(table, ["--netns", table.ns], env={"CTKIT_EXPORTER_RCVBUF": "4096"})
    try:
        r = table.run([fill_bin(), "20000", "--mix", "--start", "100"])
        assert r.rc == 0, r.err
        total = int(table.ref(["-C"]).out)
        text = ex.wait_for(lambda t: sum(entries_of(t, table.ns).values()) == total, timeout=15)
        assert sum(entries_of(text, table.ns).values()) == total
        overruns = samples(text, "conntrack_event_overruns_total")[frozenset({("netns", table.ns)})]
        recounts = samples(text, "conntrack_recounts_total")[frozenset({("netns", table.ns)})]
        assert (overruns > 0) == (recounts > 0)
    finally:
        ex.stop()
        table.ref(["-F"])


def test_netns_all_follows_namespaces_as_they_come(table):
    table.run(ctharness.REF + ["-I"] + ENTRIES[3], ns=table.cli)
    ex = Exporter(table, ["--netns", "all"])
    sleeper = None
    try:
        text = ex.scrape()
        assert entries_of(text, table.ns) == WANT
        assert entries_of(text, table.cli) == {("ipv4", "udp", ""): 1}
        sleeper = subprocess.Popen(["unshare", "-n", "sleep", "1000"])
        mine = os.readlink("/proc/self/ns/net")
        while os.readlink("/proc/%d/ns/net" % sleeper.pid) == mine:
            time.sleep(0.02)
        name = str(sleeper.pid)
        text = ex.wait_for(lambda t: 'netns="%s"' % name in t)
        assert samples(text, "conntrack_expectations")[frozenset({("netns", name)})] == 0
        sleeper.kill()
        sleeper.wait()
        text = ex.wait_for(lambda t: 'netns="%s"' % name not in t)
        assert 'netns="%s"' % name not in text
    finally:
        if sleeper and sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()
        ex.stop()


def dashboard_queries():
    """The PromQL of contrib/grafana's dashboard, its variables given values."""
    with open(os.path.join(ctharness.REPO, "contrib", "grafana", "ctkit-conntrack.json")) as f:
        dash = json.load(f)
    for panel in dash["panels"]:
        for target in panel["targets"]:
            yield target["expr"].replace("$netns", ".*").replace("$__rate_interval", "1m")


PROM_CONFIG = """
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ctkit
    static_configs:
      - targets: ['127.0.0.1:%d']
""" % PORT


def test_a_real_prometheus_scrapes_it(table):
    prometheus = shutil.which("prometheus")
    if not prometheus:
        if os.environ.get("CI") == "true":
            pytest.fail("prometheus missing (make deps installs it)")
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    ex = Exporter(table, ["--netns", table.ns])
    tmp = tempfile.mkdtemp(prefix="ctk-prom-")
    prom = None
    try:
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write(PROM_CONFIG)
        prom = subprocess.Popen(table.prefix(table.srv) + [
            prometheus, "--config.file=" + os.path.join(tmp, "prometheus.yml"),
            "--storage.tsdb.path=" + os.path.join(tmp, "data"),
            "--web.listen-address=127.0.0.1:%d" % PROM_PORT],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        table.bg.append(prom)
        query = ("http://127.0.0.1:%d/api/v1/query?query=" % PROM_PORT +
                 "conntrack_entries%7Bstate%3D%22ESTABLISHED%22%7D")
        deadline = time.time() + 30
        body = ""
        while time.time() < deadline:
            r = table.run([ctharness.PYTHON, "-c", GET, query], ns=table.srv)
            body = r.out
            if r.rc == 0 and '"result":[{' in body:
                break
            time.sleep(0.5)
        assert '"netns":"%s"' % table.ns in body, body
        assert re.search(r'"value":\[[\d.]+,"2"\]', body), body
        up = table.run([ctharness.PYTHON, "-c", GET,
                        "http://127.0.0.1:%d/api/v1/query?query=up" % PROM_PORT], ns=table.srv)
        assert '"value":[' in up.out and up.out.rstrip().endswith('"1"]}]}}'), up.out
        # every query of the Grafana dashboard is one Prometheus takes, with data
        for expr in dashboard_queries():
            url = "http://127.0.0.1:%d/api/v1/query?query=%s" % (PROM_PORT, quote(expr))
            r = table.run([ctharness.PYTHON, "-c", GET, url], ns=table.srv)
            assert r.rc == 0 and '"status":"success"' in r.out, (expr, r.out, r.err)
            if "group_entries" not in expr and "rate(" not in expr and "increase(" not in expr:
                assert '"result":[{' in r.out, (expr, r.out)
    finally:
        if prom and prom.poll() is None:
            prom.terminate()
            try:
                prom.wait(timeout=10)
            except subprocess.TimeoutExpired:
                prom.kill()
                prom.wait()
        ex.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize("args,rc,message", [
    (["--bogus"], 2, "unknown option `--bogus'"),
    (["--listen", "nowhere"], 2, "--listen `nowhere': want ADDR:PORT"),
    (["--listen", "1.2.3:80"], 2, "not an IPv4 address"),
    (["--group-by", "bogus"], 2, "--group-by: bad key `bogus'"),
    (["--top", "3"], 2, "--top needs --group-by"),
    (["--netns", "ctk-no-such-ns"], 1, "--netns `ctk-no-such-ns': no such network namespace"),
    (["--netns"], 2, "requires an argument"),
])
def test_bad_command_lines(lab, args, rc, message):
    r = lab.run([exporter_bin()] + args, ns=lab.srv)
    assert r.rc == rc, r.err
    assert message in r.err


def test_systemd_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze not installed")
    unit = open(os.path.join(ctharness.REPO, "contrib", "systemd", "ctkit-exporter.service")).read()
    path = tmp_path / "ctkit-exporter.service"
    path.write_text(unit.replace("/usr/sbin/ctkit-exporter", os.path.abspath(exporter_bin())))
    r = subprocess.run([analyze, "verify", "--man=no", str(path)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_help_and_unknown_paths(table):
    r = table.run([exporter_bin(), "--help"], ns=table.srv)
    assert r.rc == 0 and "--netns all" in r.out
    ex = Exporter(table, ["--netns", table.ns])
    try:
        assert "/metrics" in http_get(table, "http://127.0.0.1:%d/" % PORT)
        r = table.run([ctharness.PYTHON, "-c", GET, "http://127.0.0.1:%d/nope" % PORT],
                      ns=table.srv)
        assert r.rc != 0 and "404" in r.err
    finally:
        ex.stop()
