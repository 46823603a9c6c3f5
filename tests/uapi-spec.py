#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that uapi/linux/nfsd_nlcache.h and uapi/nfsd_nlcache.yaml agree.

The spec side: every C constant that YNL's uAPI generator would emit for the
spec (family and version macros, const definitions, enum/flags entries,
attribute ids with their __*_MAX / *_MAX helpers, command ids, multicast
group macros) is derived here with YNL's naming and numbering rules.

The header side is read by the C compiler, not by a regex: a small program
that #includes the header and prints each of those constants is compiled and
run, and its output is compared with the spec. Constants the header lacks
show up as compiler errors and are reported by name.

Then, the other way round: a scan of the header's enum bodies and #defines
must find no constant the spec does not account for. And the attribute
types the header comment documents ("[NLCACHE_A_X_Y]  u32, ...") must match
the spec's types (plus "repeated" -> multi-attr, "enum foo" -> that enum).

Usage: tests/uapi-spec.py [--header PATH] [--spec PATH] [--cc CC]
                          [--schema genetlink-legacy.yaml] [--self-test]
Exit 0 and "PASS uapi-spec: N constants agree" when all agree; exit 1 with
one "FAIL" line per problem otherwise; exit 2 on a usage or setup error.
"""

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("uapi-spec: PyYAML is missing (Debian: apt-get install python3-yaml)")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_HEADER = REPO / "uapi" / "linux" / "nfsd_nlcache.h"
DEFAULT_SPEC = REPO / "uapi" / "nfsd_nlcache.yaml"
SPEC_LICENSE = "((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)"

# Attribute types of the YNL genetlink schemas, and the words the header
# comment uses for them.
YNL_TYPES = {"unused", "pad", "flag", "binary", "bitfield32", "uint", "sint",
             "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "string",
             "nest", "indexed-array", "array-nest", "nest-type-value"}
COMMENT_TYPES = {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
                 "uint", "sint", "string", "flag", "binary", "nest", "pad",
                 "bitfield32"}

C_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


class Expect:
    """One C constant the spec implies."""

    def __init__(self, group, name, kind, value, origin):
        self.group = group      # check group it is reported under
        self.name = name        # C identifier
        self.kind = kind        # "int", "str" or "expr" (C expression)
        self.value = value      # int, str, or C expression text
        self.origin = origin    # where in the spec it comes from


class Report:
    def __init__(self):
        self.problems = {}      # group -> [message]

    def fail(self, group, msg):
        self.problems.setdefault(group, []).append(msg)

    def failed(self, group=None):
        if group is None:
            return any(self.problems.values())
        return bool(self.problems.get(group))


# --------------------------------------------------------------------------
# Spec side: what YNL would generate


class Spec:
    """The spec, with the constants YNL's uAPI generator derives from it.

    The naming and numbering rules are those of the kernel's
    tools/net/ynl/pyynl/ynl_gen_c.py and lib/nlspec.py (render_uapi)."""

    def __init__(self, path, report):
        self.path = path
        self.report = report
        self.expect = {}                # C name -> Expect
        self.enum_tags = {}             # C enum tag -> origin
        self.attrs = {}                 # attribute C name -> (set, attr)
        self.enums = {}                 # definition name -> definition

        with open(path, encoding="utf-8") as f:
            first = f.readline().strip()
            f.seek(0)
            self.y = yaml.safe_load(f)
        prefix = "# SPDX-License-Identifier: "
        if not first.startswith(prefix):
            report.fail("spec", "first line is not an SPDX-License-Identifier line")
        elif first[len(prefix):] != SPEC_LICENSE:
            report.fail("spec", f"license is {first[len(prefix):]!r}, YNL requires {SPEC_LICENSE!r}")
        if not isinstance(self.y, dict):
            raise SystemExit(f"uapi-spec: {path}: not a YAML mapping")

        self.name = self.y["name"]
        self.ident = self.name.replace("-", "_")
        self.c_name = c_lower(self.ident)
        self.uapi_header = self.y.get("uapi-header", f"linux/{self.ident}.h")

    def add(self, group, name, kind, value, origin):
        if name in self.expect:
            self.report.fail(group, f"the spec yields {name} twice "
                             f"({self.expect[name].origin}; {origin})")
            return
        self.expect[name] = Expect(group, name, kind, value, origin)

    def derive(self):
        self._family()
        self._definitions()
        self._attribute_sets()
        self._operations()
        self._mcast_groups()
        self._references()

    # -- family ------------------------------------------------------------
    def _family(self):
        y = self.y
        proto = y.get("protocol", "genetlink")
        if proto not in ("genetlink", "genetlink-c", "genetlink-legacy"):
            self.report.fail("family", f"protocol {proto!r} is not a genetlink protocol")
        self.add("family", c_upper(y.get("c-family-name", self.name + "_FAMILY_NAME")),
                 "str", self.name, "family name")
        self.add("family", c_upper(y.get("c-version-name", self.name + "_FAMILY_VERSION")),
                 "int", y.get("version", 1), "family version")

    # -- definitions -------------------------------------------------------
    def _definitions(self):
        seen = set()
        for d in self.y.get("definitions", []):
            name, typ = d["name"], d["type"]
            origin = f"definitions: {typ} {name}"
            if name in seen:
                self.report.fail("definitions", f"{origin}: defined twice")
            seen.add(name)
            # A definition that names another header is not ours to check.
            if d.get("header") and d["header"] != self.uapi_header:
                continue
            if typ == "const":
                pfx = d.get("name-prefix", f"{self.ident}-")
                value = d["value"]
                kind = "int" if isinstance(value, int) else "expr"
                self.add("definitions", c_upper(pfx + name), kind, value, origin)
            elif typ in ("enum", "flags"):
                self.enums[name] = d
                if "enum-name" in d:
                    tag = c_lower(d["enum-name"]) if d["enum-name"] else None
                else:
                    tag = f"{self.c_name}_{c_lower(name)}"
                if tag:
                    self.enum_tags[tag] = origin
                pfx = d.get("name-prefix", f"{self.ident}-{name}-")
                value = d.get("value-start", 0)
                if not isinstance(value, int):
                    self.report.fail("definitions", f"{origin}: value-start {value!r} is not supported here")
                    value = 0
                prev = None
                vals = {}
                for e in d.get("entries", []):
                    if isinstance(e, str):
                        e = {"name": e}
                    if "value" in e:
                        value = e["value"]
                    elif prev is not None:
                        value = prev + 1
                    prev = value
                    user = (1 << value) if typ == "flags" else value
                    if user in vals:
                        self.report.fail("definitions", f"{origin}: entries {vals[user]} and {e['name']} share value {user}")
                    vals[user] = e["name"]
                    self.add("definitions", c_upper(pfx + e["name"]), "int", user,
                             f"{origin}, entry {e['name']}")
                if d.get("render-max"):
                    if typ == "flags":
                        self.add("definitions", c_upper(pfx + "mask"), "int",
                                 sum(vals), f"{origin}, render-max mask")
                    else:
                        cnt = d.get("enum-cnt-name", "__" + pfx + "max")
                        last = prev if prev is not None else -1
                        self.add("definitions", c_upper(cnt), "int", last + 1, f"{origin}, render-max count")
                        self.add("definitions", c_upper(pfx + "max"), "int", last, f"{origin}, render-max max")
            elif typ == "struct":
                self.report.fail("definitions", f"{origin}: structs are not expected in this family")
            else:
                self.report.fail("definitions", f"{origin}: unknown definition type")

    # -- attribute sets ----------------------------------------------------
    def _attribute_sets(self):
        self.sets = {}
        for s in self.y["attribute-sets"]:
            sname = s["name"]
            origin = f"attribute-set {sname}"
            if sname in self.sets:
                self.report.fail("attribute-sets", f"{origin}: defined twice")
            self.sets[sname] = s
            if s.get("subset-of"):
                continue    # subsets reuse their parent's constants
            if "name-prefix" in s:
                pfx = s["name-prefix"]
            elif sname == self.name:
                pfx = self.ident + "-a-"
            else:
                pfx = f"{self.ident}-a-{sname}-"
            max_name = c_upper(s.get("attr-max-name", pfx + "max"))
            cnt_name = c_upper(s.get("attr-cnt-name", "__" + pfx + "max"))
            if s.get("enum-name"):
                self.enum_tags[c_lower(s["enum-name"])] = origin
            val = 1
            last = 0
            ids = {}
            for a in s["attributes"]:
                if "value" in a:
                    val = a["value"]
                cname = c_upper(a.get("name-prefix", pfx) + a["name"])
                if val in ids:
                    self.report.fail("attribute-sets", f"{origin}: {ids[val]} and {a['name']} share id {val}")
                ids[val] = a["name"]
                if a.get("type") not in YNL_TYPES:
                    self.report.fail("attribute-sets", f"{origin}, attr {a['name']}: unknown type {a.get('type')!r}")
                self.add("attribute-sets", cname, "int", val, f"{origin}, attr {a['name']}")
                self.attrs[cname] = (s, a)
                last = val
                val += 1
            if self.y.get("max-by-define"):
                self.report.fail("attribute-sets", "max-by-define is not handled by this test")
            self.add("attribute-sets", cnt_name, "int", last + 1, f"{origin}, attribute count")
            self.add("attribute-sets", max_name, "int", last, f"{origin}, last attribute id")

    # -- operations --------------------------------------------------------
    def _operations(self):
        ops = self.y["operations"]
        if ops.get("enum-model", "unified") != "unified":
            self.report.fail("operations", "only the unified enum-model is handled by this test")
            return
        op_pfx = c_upper(ops.get("name-prefix", self.name + "-cmd-"))
        async_pfx = c_upper(ops.get("async-prefix", "")) or op_pfx
        separate_ntf = "async-prefix" in ops
        if ops.get("enum-name"):
            self.enum_tags[c_lower(ops["enum-name"])] = "operations"
        if separate_ntf and ops.get("async-enum"):
            self.enum_tags[c_lower(ops["async-enum"])] = "operations (async)"
        val = 1
        last = 0
        values = {}
        self.ops = {}
        for op in ops["list"]:
            if "value" in op:
                val = op["value"]
            is_async = "notify" in op or "event" in op
            origin = f"operation {op['name']}"
            if op["name"] in self.ops:
                self.report.fail("operations", f"{origin}: defined twice")
            self.ops[op["name"]] = op
            if val in values:
                self.report.fail("operations", f"{origin}: shares id {val} with {values[val]}")
            values[val] = op["name"]
            pfx = async_pfx if is_async else op_pfx
            self.add("operations", pfx + c_upper(op["name"]), "int", val, origin)
            if not (separate_ntf and is_async):
                last = val
            val += 1
        cnt = c_upper(self.y.get("cmd-cnt-name", "__" + op_pfx + "MAX"))
        mx = c_upper(self.y.get("cmd-max-name", op_pfx + "MAX"))
        self.add("operations", cnt, "int", last + 1, "operations, command count")
        self.add("operations", mx, "int", last, "operations, last command id")

    # -- multicast groups --------------------------------------------------
    def _mcast_groups(self):
        self.mcgrps = set()
        for g in self.y.get("mcast-groups", {}).get("list", []):
            self.mcgrps.add(g["name"])
            name = c_upper(g.get("c-define-name", f"{self.ident}-mcgrp-{g['name']}"))
            self.add("family", name, "str", g["name"], f"mcast group {g['name']}")

    # -- internal consistency ------------------------------------------------
    def _references(self):
        grp = "spec"
        for s in self.y["attribute-sets"]:
            if s.get("subset-of") and s["subset-of"] not in self.sets:
                self.report.fail(grp, f"attribute-set {s['name']}: subset-of unknown set {s['subset-of']}")
            for a in s["attributes"]:
                where = f"attribute-set {s['name']}, attr {a['name']}"
                nested = a.get("nested-attributes")
                if a.get("type") in ("nest", "indexed-array", "array-nest", "nest-type-value"):
                    if not nested:
                        self.report.fail(grp, f"{where}: {a['type']} without nested-attributes")
                    elif nested not in self.sets:
                        self.report.fail(grp, f"{where}: nested-attributes {nested} is no attribute-set")
                elif nested:
                    self.report.fail(grp, f"{where}: nested-attributes on a {a.get('type')}")
                if "enum" in a and a["enum"] not in self.enums:
                    self.report.fail(grp, f"{where}: enum {a['enum']} is no enum/flags definition")
                if a.get("enum-as-flags") and "enum" not in a:
                    self.report.fail(grp, f"{where}: enum-as-flags without enum")
        for op in self.y["operations"]["list"]:
            where = f"operation {op['name']}"
            aset = op.get("attribute-set")
            modes = [m for m in ("do", "dump", "event", "notify") if m in op]
            if modes and not aset and "notify" not in op:
                self.report.fail(grp, f"{where}: no attribute-set")
                continue
            if aset and aset not in self.sets:
                self.report.fail(grp, f"{where}: attribute-set {aset} does not exist")
                continue
            names = {a["name"] for a in self.sets[aset]["attributes"]} if aset else set()
            lists = []
            for m in ("do", "dump"):
                for part in ("request", "reply"):
                    lists.append((f"{m} {part}", op.get(m, {}).get(part, {}).get("attributes", [])))
            if "event" in op:
                lists.append(("event", op["event"].get("attributes", [])))
                if op.get("mcgrp") not in self.mcgrps:
                    self.report.fail(grp, f"{where}: event without a known mcgrp ({op.get('mcgrp')})")
            for part, attrs in lists:
                for n in attrs:
                    if n not in names:
                        self.report.fail(grp, f"{where}: {part} names {n}, not in attribute-set {aset}")


# --------------------------------------------------------------------------
# Header side, read by the compiler


def header_include(header, spec):
    """How the probe program includes the header: through -I and the spec's
    uapi-header path when the header sits at such a path (as the real one
    does, under uapi/), else by its absolute path."""
    parts = Path(spec.uapi_header).parts
    hp = header.resolve()
    if hp.parts[-len(parts):] == parts:
        root = Path(*hp.parts[:-len(parts)])
        return f"#include <{spec.uapi_header}>", ["-I", str(root)], True
    return f'#include "{hp}"', [], False


def probe_program(include, names, expect, tags):
    lines = [
        "/* generated by tests/uapi-spec.py */",
        "#include <stdio.h>",
        include,
        "",
        "int main(void)",
        "{",
    ]
    for tag in sorted(tags):
        lines.append(f"\tprintf(\"tag %s %zu\\n\", \"{tag}\", sizeof(enum {tag}));")
    for n in names:
        e = expect[n]
        if e.kind == "str":
            lines.append(f"\tprintf(\"str %s %s\\n\", \"{n}\", {n});")
        else:
            lines.append(f"\tprintf(\"int %s %lld\\n\", \"{n}\", (long long)({n}));")
            if e.kind == "expr":
                lines.append(f"\tprintf(\"exp %s %lld\\n\", \"{n}\", (long long)({e.value}));")
    lines += ["\treturn 0;", "}", ""]
    return "\n".join(lines)


UNDECLARED = [
    re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)' undeclared"),             # gcc
    re.compile(r"use of undeclared identifier '([A-Za-z_][A-Za-z0-9_]*)'"),  # clang
]
INCOMPLETE = re.compile(r"incomplete type '(?:const )?enum ([A-Za-z_][A-Za-z0-9_]*)'")


def read_header_values(cc, header, spec, report, workdir):
    """Compile and run the probe. Returns ({name: value}, {tag}, missing
    names, missing tags). Names the compiler calls undeclared are dropped and
    the probe is rebuilt, so one missing constant does not hide the rest."""
    include, iflags, via_path = header_include(header, spec)
    names = list(spec.expect)
    tags = set(spec.enum_tags)
    missing, missing_tags = [], []
    src = Path(workdir) / "probe.c"
    exe = Path(workdir) / "probe"
    env = dict(os.environ, LC_ALL="C", LANG="C")
    for _ in range(len(names) + len(tags) + 2):
        src.write_text(probe_program(include, names, spec.expect, tags))
        cmd = [cc, "-std=gnu11", "-Wall", "-Wextra", "-Werror", *iflags,
               "-o", str(exe), str(src)]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode == 0:
            break
        out = r.stderr
        gone = set()
        for rx in UNDECLARED:
            gone.update(rx.findall(out))
        gone_tags = set(INCOMPLETE.findall(out)) & tags
        gone &= set(names)
        if not gone and not gone_tags:
            report.fail("compile", f"{' '.join(cmd)} failed:\n{out.rstrip()}")
            return None
        missing += sorted(gone)
        missing_tags += sorted(gone_tags)
        names = [n for n in names if n not in gone]
        tags -= gone_tags
    else:
        report.fail("compile", "could not build the probe program")
        return None
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    if r.returncode != 0:
        report.fail("compile", f"probe program exited {r.returncode}")
        return None
    values, exprs = {}, {}
    for line in r.stdout.splitlines():
        kind, name, value = line.split(" ", 2)
        if kind == "str":
            values[name] = value
        elif kind == "int":
            values[name] = int(value)
        elif kind == "exp":
            exprs[name] = int(value)
    return values, exprs, missing, missing_tags, via_path


# --------------------------------------------------------------------------
# Header side, scanned: what it defines, and what its comment documents


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def header_definitions(text):
    """Enum constants and object-like macros the header defines, with the
    enum tags it declares, from a scan of the comment-free text."""
    code = strip_comments(text)
    names, tags = {}, set()
    guard = None
    m = re.search(r"^\s*#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b", code, re.M)
    if m:
        guard = m.group(1)
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)(\s|\(|$)", code, re.M):
        if m.group(1) != guard and m.group(2) != "(":
            names[m.group(1)] = "#define"
    for m in re.finditer(r"\benum\s*(\w+)?\s*\{(.*?)\}", code, re.S):
        if m.group(1):
            tags.add(m.group(1))
        for item in m.group(2).split(","):
            im = C_IDENT.match(item.strip())
            if im:
                names[im.group(0)] = f"enum {m.group(1) or '(anonymous)'}"
    return names, tags


DOC_LINE = re.compile(r"\[(NLCACHE_A_[A-Z0-9_*]+)\]\s*(.*)")


def comment_attr_docs(text):
    """[NLCACHE_A_...] lines of the header's comments: (pattern, type word
    or None, rest of the line)."""
    docs = []
    for c in re.findall(r"/\*.*?\*/", text, re.S):
        for line in c.splitlines():
            line = re.sub(r"^\s*\*\s?", "", line)
            for m in DOC_LINE.finditer(line):
                words = re.split(r"[\s,]+", m.group(2).strip(), maxsplit=1)
                word = words[0] if words and words[0] in COMMENT_TYPES else None
                rest = words[1] if len(words) > 1 else ""
                docs.append((m.group(1), word, rest if word else m.group(2)))
    return docs


# --------------------------------------------------------------------------


def check(header, spec_path, cc, schema=None, quiet=False):
    report = Report()
    out = [] if quiet else None

    def say(line):
        if out is None:
            print(line)
        else:
            out.append(line)

    spec = Spec(spec_path, report)
    spec.derive()

    if schema:
        try:
            import jsonschema
        except ImportError:
            raise SystemExit("uapi-spec: --schema needs python3-jsonschema")
        with open(schema, encoding="utf-8") as f:
            sch = yaml.safe_load(f)
        try:
            jsonschema.validate(spec.y, sch)
            say(f"ok   schema: the spec validates against {schema}")
        except jsonschema.ValidationError as e:
            path = "/".join(str(p) for p in e.absolute_path)
            report.fail("schema", f"{path}: {e.message}")

    text = Path(header).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="uapi-spec.") as wd:
        got = read_header_values(cc, Path(header), spec, report, wd)

    agreed = 0
    groups = ["family", "definitions", "attribute-sets", "operations"]
    counts = {g: 0 for g in groups}
    if got:
        values, exprs, missing, missing_tags, via_path = got
        if Path(header).name != Path(spec.uapi_header).name:
            report.fail("family", f"uapi-header is {spec.uapi_header}, but the header is {header}")
        elif not via_path:
            say(f"note the header is not at .../{spec.uapi_header}: included by its path")
        for n in missing:
            e = spec.expect[n]
            report.fail(e.group, f"{n} ({e.origin}): missing from the header")
        for t in missing_tags:
            report.fail("definitions", f"enum {t} ({spec.enum_tags[t]}): not declared by the header")
        for n, e in spec.expect.items():
            if n not in values:
                continue
            want = exprs.get(n, e.value)
            if values[n] != want:
                report.fail(e.group, f"{n} ({e.origin}): header has {values[n]!r}, spec implies {want!r}")
            else:
                agreed += 1
                counts[e.group] += 1

    # The other way round: nothing in the header that the spec lacks.
    defined, tags = header_definitions(text)
    extra = [n for n in defined if n not in spec.expect]
    for n in extra:
        report.fail("reverse", f"{n} ({defined[n]}) is in the header but not in the spec")
    for t in sorted(tags - set(spec.enum_tags)):
        report.fail("reverse", f"enum {t} is declared by the header but not named by the spec")

    # Types documented in the header comment.
    docs = comment_attr_docs(text)
    typed = 0
    for pattern, word, rest in docs:
        hits = [n for n in spec.attrs if fnmatch.fnmatchcase(n, pattern)]
        if not hits:
            report.fail("types", f"the header comment documents [{pattern}], which the spec lacks")
            continue
        for n in hits:
            s, a = spec.attrs[n]
            where = f"{n} (attribute-set {s['name']}, attr {a['name']})"
            if word is None:
                continue
            typed += 1
            if a.get("type") != word:
                report.fail("types", f"{where}: the header comment says {word}, the spec says {a.get('type')}")
            if re.search(r"\brepeated\b", rest) and not a.get("multi-attr"):
                report.fail("types", f"{where}: the header comment says repeated, the spec lacks multi-attr")
            em = re.search(r"\benum\s+(\w+)", rest)
            if em:
                d = spec.enums.get(a.get("enum"))
                tag = None
                if d is not None:
                    tag = (c_lower(d["enum-name"]) if d.get("enum-name")
                           else f"{spec.c_name}_{c_lower(d['name'])}")
                if tag != em.group(1):
                    report.fail("types", f"{where}: the header comment says enum {em.group(1)}, "
                                f"the spec's enum is {a.get('enum')} ({tag})")
                elif re.search(r"\bmask of\b", rest) and not (
                        a.get("enum-as-flags") or d["type"] == "flags"):
                    report.fail("types", f"{where}: the header comment says mask, the spec's enum is not flags")

    # One line per group.
    labels = {
        "spec": "spec: license line, references between sets/ops/enums resolve",
        "family": "family: name, version, multicast group, uapi-header",
        "definitions": "definitions: enums, flags and constants",
        "attribute-sets": f"attribute sets: {sum(1 for s in spec.y['attribute-sets'] if not s.get('subset-of'))} sets, ids and max helpers",
        "operations": f"operations: {len(spec.y['operations']['list'])} commands and max helpers",
        "reverse": f"reverse: the header defines nothing the spec lacks ({len(defined)} names, {len(tags)} enum tags scanned)",
        "types": f"types: {typed} attribute types documented in the header comment agree",
        "compile": f"compile: {cc} read the header",
        "schema": "schema",
    }
    for g in ["spec", "compile", "family", "definitions", "attribute-sets",
              "operations", "reverse", "types", "schema"]:
        if g == "schema" and not schema:
            continue
        if report.failed(g):
            for msg in report.problems[g]:
                say(f"FAIL {g}: {msg}")
        elif g in counts and not got:
            say(f"skip {labels[g]}: the header could not be read")
        elif g in counts:
            say(f"ok   {labels[g]} ({counts[g]} constants)")
        elif g != "schema":
            say(f"ok   {labels[g]}")
    if report.failed():
        n = sum(len(v) for v in report.problems.values())
        say(f"FAIL uapi-spec: {n} problem(s) between {header} and {spec_path}")
        return False, out
    say(f"PASS uapi-spec: {agreed} constants agree")
    return True, out


# --------------------------------------------------------------------------
# Negative controls: the check must fail on broken copies, for the right
# reason.

def _sub(text, old, new):
    if old not in text:
        raise SystemExit(f"uapi-spec --self-test: {old!r} not found; update the self-test")
    return text.replace(old, new, 1)


SELF_TESTS = [
    ("changed id in the header",
     "header", lambda t: _sub(t, "\tNLCACHE_CMD_CACHE_FLUSH,\n", "\tNLCACHE_CMD_CACHE_FLUSH = 20,\n"),
     "NLCACHE_CMD_CACHE_FLUSH (operation cache-flush): header has 20, spec implies 12"),
    ("changed flag value in the header",
     "header", lambda t: _sub(t, "NLCACHE_EXPORT_FLAGS_PNFS = 131072", "NLCACHE_EXPORT_FLAGS_PNFS = 131073"),
     "NLCACHE_EXPORT_FLAGS_PNFS"),
    ("attribute missing from the spec",
     "spec", lambda t: _sub(t, "      -\n        name: migrated\n        type: flag\n", ""),
     "NLCACHE_A_FSLOCATIONS_MIGRATED (enum (anonymous)) is in the header but not in the spec"),
    ("attribute missing from the header",
     "header", lambda t: _sub(t, "\tNLCACHE_A_EXPKEY_PATH,\n", ""),
     "NLCACHE_A_EXPKEY_PATH (attribute-set expkey, attr path): missing from the header"),
    ("wrong type in the spec",
     "spec", lambda t: _sub(t, "        name: version\n        type: string\n", "        name: version\n        type: u32\n"),
     "the header comment says string, the spec says u32"),
    ("wrong family name in the header",
     "header", lambda t: _sub(t, 'NLCACHE_FAMILY_NAME\t"nfsd_nlcache"', 'NLCACHE_FAMILY_NAME\t"nfsd-nlcache"'),
     "NLCACHE_FAMILY_NAME (family name)"),
]


def self_test(header, spec, cc):
    ok = True
    with tempfile.TemporaryDirectory(prefix="uapi-spec-self.") as td:
        for title, which, mutate, expect in SELF_TESTS:
            hdir = Path(td) / "include" / "linux"
            hdir.mkdir(parents=True, exist_ok=True)
            h, s = hdir / Path(header).name, Path(td) / Path(spec).name
            shutil.copy(header, h)
            shutil.copy(spec, s)
            target = h if which == "header" else s
            target.write_text(mutate(target.read_text(encoding="utf-8")), encoding="utf-8")
            passed, out = check(h, s, cc, quiet=True)
            fails = [line for line in out if line.startswith("FAIL")]
            if passed:
                print(f"FAIL self-test: {title}: the check passed")
                ok = False
            elif not any(expect in line for line in fails):
                print(f"FAIL self-test: {title}: failed, but not with {expect!r}:")
                for line in fails:
                    print(f"    {line}")
                ok = False
            else:
                print(f"ok   self-test: {title} fails:")
                for line in fails:
                    print(f"    {line}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--header", default=str(DEFAULT_HEADER), help="uAPI header (default: %(default)s)")
    ap.add_argument("--spec", default=str(DEFAULT_SPEC), help="YNL spec (default: %(default)s)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"), help="C compiler (default: $CC or cc)")
    ap.add_argument("--schema", help="also validate the spec against this YNL JSON schema "
                    "(a kernel tree's Documentation/netlink/genetlink-legacy.yaml; needs python3-jsonschema)")
    ap.add_argument("--self-test", action="store_true",
                    help="check that broken copies of the header and spec fail")
    args = ap.parse_args()

    for p in (args.header, args.spec):
        if not Path(p).is_file():
            sys.exit(f"uapi-spec: {p}: no such file")
    if not shutil.which(args.cc):
        sys.exit(f"uapi-spec: C compiler {args.cc!r} not found")

    if args.self_test:
        passed, _ = check(args.header, args.spec, args.cc, quiet=True)
        if not passed:
            sys.exit("uapi-spec --self-test: the real header and spec must agree first")
        ok = self_test(args.header, args.spec, args.cc)
        print(f"{'PASS' if ok else 'FAIL'} uapi-spec self-test: {len(SELF_TESTS)} broken copies")
        sys.exit(0 if ok else 1)

    passed, _ = check(args.header, args.spec, args.cc, schema=args.schema)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
