# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Debian packages (debian/): `make deb` builds them from a copy of the
tree and runs lintian; then each package's files and its relations to
conntrack-tools' packages are checked. Needs dpkg-buildpackage, debhelper,
lintian and the build dependencies (make deps installs them), not root:
without them the build tests are skipped, unless CI=true, where that is a
failure. The checks of debian/ against the tree need none of them."""
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

import ctharness

NEEDS_ROOT = False
REPO = ctharness.REPO
DEBIAN = os.path.join(REPO, "debian")
MAP = os.path.join(REPO, "lib", "libctkit.map")
HEADERS = sorted(f for f in os.listdir(os.path.join(REPO, "include", "ctkit")) if f.endswith(".h"))
COMPAT = "1:1.4.7"      # the conntrack-tools release the tools stand in for

# Programs that are packaged once their sources are in the tree: the
# directory, the package, and what the package must hold.
LATER = {
    "ctkit-exporter": ("tools/exporter/main.c",
                       ["usr/sbin/ctkit-exporter", "lib/systemd/system/ctkit-exporter.service",
                        "usr/share/man/man8/ctkit-exporter.8.gz"]),
    "ctkit-top": ("tools/top/main.c",
                  ["usr/sbin/ctkit-top", "usr/share/man/man8/ctkit-top.8.gz"]),
}


def multiarch():
    return subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"], stdout=subprocess.PIPE,
                          text=True, check=True).stdout.strip()


def expected_files(ma):
    """Package -> paths it must hold (./ stripped)."""
    want = {
        "libctkit0": ["usr/lib/%s/libctkit.so.0" % ma],
        "libctkit-dev": ["usr/lib/%s/libctkit.so" % ma, "usr/lib/%s/libctkit.a" % ma,
                         "usr/lib/%s/pkgconfig/ctkit.pc" % ma,
                         "usr/share/doc/libctkit-dev/examples/list.c"]
                        + ["usr/include/ctkit/" + h for h in HEADERS],
        "ctkit": ["usr/sbin/conntrack", "usr/sbin/nfct",
                  "usr/share/man/man8/conntrack.8.gz", "usr/share/man/man8/nfct.8.gz",
                  "usr/share/bash-completion/completions/conntrack",
                  "usr/share/bash-completion/completions/nfct"],
        "ctkit-conntrackd": ["usr/sbin/conntrackd", "lib/systemd/system/conntrackd.service",
                             "usr/share/man/man8/conntrackd.8.gz",
                             "usr/share/man/man5/conntrackd.conf.5.gz",
                             "usr/share/bash-completion/completions/conntrackd",
                             "usr/share/doc/ctkit-conntrackd/examples/ftfw-udp.conf"],
    }
    for pkg, (src, files) in LATER.items():
        if os.path.exists(os.path.join(REPO, src)):
            want[pkg] = files
    return want


def why_not_buildable():
    """None, or why the packages cannot be built here."""
    missing = [t for t in ("dpkg-buildpackage", "dh", "lintian", "git") if not shutil.which(t)]
    if missing:
        return ("missing %s; run as root: apt-get install -y --no-install-recommends "
                "debhelper lintian (or make deps)" % " ".join(missing))
    p = subprocess.run(["dpkg-checkbuilddeps"], cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        return "build dependencies missing (make deps): " + p.stdout.strip()
    return None


def git_status():
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          stdout=subprocess.PIPE, text=True, check=True).stdout


class Built:
    def __init__(self, out, log, rc, seconds):
        self.dir, self.log, self.rc, self.seconds = out, log, rc, seconds

    def deb(self, pkg):
        """The path of @pkg's .deb."""
        found = [f for f in os.listdir(self.dir) if f.startswith(pkg + "_") and f.endswith(".deb")]
        assert len(found) == 1, "%s: %s" % (pkg, found)
        return os.path.join(self.dir, found[0])

    def files(self, pkg):
        """@pkg's files and symlinks (./ stripped, no directories), and the
        symlinks' targets."""
        out = subprocess.run(["dpkg-deb", "-c", self.deb(pkg)], stdout=subprocess.PIPE, text=True,
                             check=True).stdout
        paths, links = [], {}
        for line in out.splitlines():
            if line.startswith("d"):
                continue
            name = line.split(None, 5)[5]
            if line.startswith("l"):
                name, target = name.split(" -> ")
                links[name[2:]] = target
            paths.append(name[2:])
        return paths, links

    def field(self, pkg, name):
        return subprocess.run(["dpkg-deb", "-f", self.deb(pkg), name], stdout=subprocess.PIPE,
                              text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    reason = why_not_buildable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the packages cannot be built: " + reason)
        pytest.skip(reason)
    build = tmp_path_factory.mktemp("pkg")
    before = git_status()
    start = time.monotonic()
    p = subprocess.run(["make", "-C", REPO, "--no-print-directory", "deb", "BUILD=%s" % build],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    (build / "make-deb.log").write_text(p.stdout)
    sys.stderr.write("make deb (build, unit tests, lintian): %.0f s\n" % seconds)
    assert git_status() == before, "make deb changed the source tree"
    return Built(str(build / "deb"), p.stdout, p.returncode, seconds)


def lintian_tags(log):
    return [l for l in log.splitlines() if re.match(r"^[EWIPXNO]: \S+", l)]


def test_build_and_lintian_clean(built):
    bad = [t for t in lintian_tags(built.log) if t[0] in "EW"]
    hint = ""
    if "dh_missing: error" in built.log:
        hint = ("\nmake install installs a file that no debian/<package>.install names: add it "
                "to the package that ships it")
    assert built.rc == 0 and not bad, "make deb failed (rc %d)%s:\n%s" % (
        built.rc, hint, "\n".join(bad) or built.log[-6000:])


def test_unit_tests_ran_in_the_build(built):
    # override_dh_auto_test: make unit, with the package's flags.
    assert "\n== build/tests/test_codec\n" in built.log
    assert "[  FAILED  ]" not in built.log


def test_package_set(built):
    debs = sorted(f.split("_")[0] for f in os.listdir(built.dir)
                  if f.endswith(".deb") and "-dbgsym_" not in f)
    assert debs == sorted(expected_files(multiarch()))


def test_package_files(built):
    ma = multiarch()
    owner = {}
    for pkg, want in expected_files(ma).items():
        paths, links = built.files(pkg)
        missing = [w for w in want if w not in paths]
        assert not missing, "%s lacks %s" % (pkg, missing)
        assert not [p for p in paths if p.startswith("usr/local/")], pkg
        for path in paths:
            owner.setdefault(path, []).append(pkg)
        if pkg == "libctkit-dev":
            assert links.get("usr/lib/%s/libctkit.so" % ma) == "libctkit.so.0"
    in_two = {p: pkgs for p, pkgs in owner.items() if len(pkgs) > 1}
    assert not in_two, in_two


def test_relations_to_conntrack_tools(built):
    # Each tool package takes the place of conntrack-tools' package(s) and
    # provides their names at the release it is compatible with.
    for pkg, replaced in (("ctkit", ["conntrack", "nfct"]), ("ctkit-conntrackd", ["conntrackd"])):
        for name in ("Conflicts", "Replaces"):
            assert sorted(re.split(r",\s*", built.field(pkg, name))) == replaced, (pkg, name)
        provides = re.split(r",\s*", built.field(pkg, "Provides"))
        assert sorted(provides) == ["%s (= %s)" % (r, COMPAT) for r in replaced], pkg
    dev = built.field("libctkit-dev", "Depends")
    assert "libctkit0 (= %s)" % version_h() in dev
    for lib in ("libctkit0", "libctkit-dev"):
        assert built.field(lib, "Multi-Arch") == "same"
    # The tools link libctkit.a; nothing of theirs needs the shared library.
    assert "libctkit0" not in built.field("ctkit", "Depends")


def test_pkgconfig_libdir(built):
    ma = multiarch()
    pc = subprocess.run("dpkg-deb --fsys-tarfile %s | tar -xO ./usr/lib/%s/pkgconfig/ctkit.pc"
                        % (built.deb("libctkit-dev"), ma), shell=True, stdout=subprocess.PIPE,
                        text=True, check=True).stdout
    assert "libdir=/usr/lib/%s\n" % ma in pc
    assert "prefix=/usr\n" in pc
    assert "Version: %s\n" % version_h() in pc


def test_symbols_file_is_the_map(built):
    # Every exported function under its version node, as lib/libctkit.map
    # says; the build itself fails when library and debian/libctkit0.symbols
    # differ (DPKG_GENSYMBOLS_CHECK_LEVEL=4).
    want, node = set(), None
    for line in open(MAP):
        m = re.match(r"^(CTKIT_[0-9.]+) \{", line)
        if m:
            node = m.group(1)
            want.add("%s@%s" % (node, node))
        m = re.match(r"^\s+(ctk_\w+);", line)
        if m:
            want.add("%s@%s" % (m.group(1), node))
    tmp = os.path.join(built.dir, "control")
    subprocess.run(["dpkg-deb", "-e", built.deb("libctkit0"), tmp], check=True)
    lines = open(os.path.join(tmp, "symbols")).read().splitlines()
    assert lines[0] == "libctkit.so.0 libctkit0 #MINVER#"
    got = {l.split()[0] for l in lines[1:] if l.startswith(" ")}
    assert got == want
    assert open(os.path.join(tmp, "shlibs")).read().startswith("libctkit 0 libctkit0")


def test_hardened_binaries(built):
    # dpkg-buildflags reached every link: full RELRO, and PIE programs.
    tmp = os.path.join(built.dir, "root")
    for pkg in ("libctkit0", "ctkit", "ctkit-conntrackd"):
        subprocess.run(["dpkg-deb", "-x", built.deb(pkg), tmp], check=True)
    elves = [os.path.join(tmp, "usr/sbin", f) for f in os.listdir(os.path.join(tmp, "usr/sbin"))]
    elves.append(os.path.join(tmp, "usr/lib", multiarch(), "libctkit.so.0"))
    for elf in elves:
        dyn = subprocess.run(["readelf", "-d", "-l", "-W", elf], stdout=subprocess.PIPE, text=True,
                             check=True).stdout
        assert "GNU_RELRO" in dyn and "BIND_NOW" in dyn, elf
        if "/sbin/" in elf:
            assert "PIE" in dyn, elf


def version_h():
    text = open(os.path.join(REPO, "include", "ctkit", "version.h")).read()
    return re.search(r'#define CTK_VERSION_STRING "([^"]+)"', text).group(1)


def test_changelog_version_is_version_h():
    first = open(os.path.join(DEBIAN, "changelog")).readline()
    m = re.match(r"^ctkit \(([^)]+)\) ", first)
    assert m and m.group(1) == version_h(), (
        "debian/changelog says %s, include/ctkit/version.h %s: add a changelog entry (dch -v)"
        % (m and m.group(1), version_h()))


def test_landed_programs_are_packaged():
    # A program's package is built only with its build profile until its
    # sources land; then debian/control must build it always.
    control = open(os.path.join(DEBIAN, "control")).read()
    for pkg, (src, _) in LATER.items():
        stanza = re.search(r"^Package: %s\n(?:[^\n]+\n)*" % re.escape(pkg), control, re.M)
        assert stanza, "debian/control has no %s stanza" % pkg
        if os.path.exists(os.path.join(REPO, src)):
            assert "Build-Profiles:" not in stanza.group(0), (
                "%s is in the tree: delete the Build-Profiles line of the %s stanza in "
                "debian/control" % (src, pkg))


def copyright_stanzas():
    """[(patterns, licence)] of debian/copyright's Files stanzas, in order."""
    stanzas = []
    for para in open(os.path.join(DEBIAN, "copyright")).read().split("\n\n"):
        fields, key = {}, None
        for line in para.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if "Files" in fields:
            stanzas.append((fields["Files"].split(), fields["License"].split()[0]))
    return stanzas


def test_copyright_matches_spdx_headers():
    # DEP-5: the last stanza whose pattern matches a file gives its licence.
    dep5 = {"LGPL-2.1-or-later": "LGPL-2.1+", "GPL-2.0-or-later": "GPL-2+"}
    stanzas = copyright_stanzas()
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, stdout=subprocess.PIPE, text=True, check=True).stdout
    wrong = []
    for path in filter(None, files.split("\0")):
        full = os.path.join(REPO, path)
        if not os.path.isfile(full):
            continue
        with open(full, "rb") as fh:
            m = re.search(rb"SPDX-License-Identifier: ([A-Za-z0-9.+-]+)", fh.read(400))
        if not m:
            continue
        spdx = m.group(1).decode()
        licence = None
        for patterns, lic in stanzas:
            if any(fnmatch.fnmatchcase(path, p) for p in patterns):
                licence = lic
        if dep5.get(spdx, spdx) != licence:
            wrong.append("%s: SPDX %s, debian/copyright %s" % (path, spdx, licence))
    assert not wrong, "\n".join(wrong)
