#!/usr/bin/env python3
"""compare.py - the ground-truth harness's arithmetic (tests/groundtruth/).

  compare.py truth WORK
      WORK holds what run.sh recorded: before/ (capture), pre.* and post.*
      (/proc/{vmstat,buddyinfo,zoneinfo} copied by `gt_frag compact` right
      around the write to compact_memory), compact.out, trace.txt (may be
      missing), params. Prints truth.json on stdout.

  compare.py predict --fragstat F --before DIR --truth FILE [--json OUT]
                     [--criteria] [--name NAME]
      Runs `F simulate --from DIR --compaction full -o json --perf`, times
      it, prints the table of predicted vs real per zone and exits 0; with
      --criteria exits 1 when one of issue 14's criteria is not met (within
      5% of the real free pages in blocks >= pageblock order where the
      kernel's run completed, the real value inside the predicted range
      where it stopped early, pages migrated within 10% when every zone
      completed).

The quantity compared is the one issue 14 names: free pages in blocks of
pageblock order or more, sum over o >= pageblock_order of
buddyinfo[o] << o (6.18 zoneinfo also prints it as nr_free_pages_blocks,
mm/page_alloc.c account_freepages()).
"""
import json
import os
import re
import resource
import subprocess
import sys
import time

COUNTERS = ("pgmigrate_success", "pgmigrate_fail", "compact_migrate_scanned",
            "compact_free_scanned", "compact_isolated", "compact_stall",
            "compact_fail", "compact_success", "compact_daemon_wake",
            "compact_daemon_migrate_scanned", "compact_daemon_free_scanned")


def buddyinfo(path):
    """{(node, zone): [count per order]}"""
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"Node\s+(\d+),\s+zone\s+(\S+)\s+(.*)$", line)
            if m:
                out[(int(m.group(1)), m.group(2))] = [int(x) for x in m.group(3).split()]
    return out


def ge(counts, pb):
    return sum(c << o for o, c in enumerate(counts) if o >= pb)


def vmstat(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.partition(" ")
            if v.strip().isdigit():
                out[k] = int(v)
    return out


def zoneinfo(path):
    """{(node, zone): {start_pfn, present, managed, nr_free_pages, pcp_count, ...}}"""
    out, cur = {}, None
    with open(path) as f:
        for line in f:
            m = re.match(r"Node\s+(\d+),\s+zone\s+(\S+)", line)
            if m:
                cur = out.setdefault((int(m.group(1)), m.group(2)), {"pcp_count": 0, "pcp_high": 0})
                continue
            if cur is None:
                continue
            w = line.split()
            if len(w) == 2 and w[0] in ("start_pfn:", "present", "managed", "spanned",
                                        "nr_free_pages", "nr_free_pages_blocks"):
                cur[w[0].rstrip(":")] = int(w[1])
            elif len(w) == 2 and w[0] == "count:":
                cur["pcp_count"] += int(w[1])
            elif len(w) == 2 and w[0] == "high:":
                cur["pcp_high"] += int(w[1])
    return out


def pageblock_order(capdir):
    with open(os.path.join(capdir, "proc", "pagetypeinfo")) as f:
        for line in f:
            if line.startswith("Page block order:"):
                return int(line.split(":")[1])
    raise SystemExit("compare.py: no 'Page block order:' in %s/proc/pagetypeinfo" % capdir)


TRACE = re.compile(r"^\s*(.+)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+):\s+(mm_compaction_\w+):\s+(.*)$")


def trace(path, pid):
    """Per zone_start: the compaction runs of process pid, from
    mm_compaction_begin/end (mm/compaction.c compact_zone) and the
    nr_migrated of mm_compaction_migratepages between them."""
    runs, cur = [], None
    with open(path) as f:
        for line in f:
            m = TRACE.match(line)
            if not m or int(m.group(2)) != pid:
                continue
            t, ev, rest = float(m.group(3)), m.group(4), m.group(5)
            kv = dict(re.findall(r"(\w+)=(\S+?),?(?=\s|$)", rest))
            if ev == "mm_compaction_begin":
                cur = {"zone_start": int(kv["zone_start"], 16), "begin": t, "migrated": 0, "failed": 0}
                runs.append(cur)
            elif ev == "mm_compaction_migratepages" and cur is not None:
                cur["migrated"] += int(kv.get("nr_migrated", 0))
                cur["failed"] += int(kv.get("nr_failed", 0))
            elif ev == "mm_compaction_end" and cur is not None:
                cur.update(end=t, status=kv.get("status"), mode=kv.get("mode"),
                           migrate_pfn=int(kv["migrate_pfn"], 16), free_pfn=int(kv["free_pfn"], 16),
                           zone_end=int(kv["zone_end"], 16))
                cur = None
    return runs


def cmd_truth(work):
    pb = pageblock_order(os.path.join(work, "before"))
    cap_b = buddyinfo(os.path.join(work, "before", "proc", "buddyinfo"))
    cap_a_path = os.path.join(work, "after", "proc", "buddyinfo")
    cap_a = buddyinfo(cap_a_path) if os.path.exists(cap_a_path) else {}
    pre, post = buddyinfo(os.path.join(work, "pre.buddyinfo")), buddyinfo(os.path.join(work, "post.buddyinfo"))
    zpre, zpost = zoneinfo(os.path.join(work, "pre.zoneinfo")), zoneinfo(os.path.join(work, "post.zoneinfo"))
    vpre, vpost = vmstat(os.path.join(work, "pre.vmstat")), vmstat(os.path.join(work, "post.vmstat"))
    with open(os.path.join(work, "compact.out")) as f:
        w = f.read().split()
    cm = dict(zip(w[0::2], w[1::2]))
    pid = int(cm["pid"])
    tpath = os.path.join(work, "trace.txt")
    runs = trace(tpath, pid) if os.path.exists(tpath) else None
    params = {}
    if os.path.exists(os.path.join(work, "params")):
        with open(os.path.join(work, "params")) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k:
                    params[k] = v
    zones = []
    for key in pre:
        node, name = key
        zi = zpre.get(key, {})
        z = {"node": node, "zone": name, "start_pfn": zi.get("start_pfn"),
             "spanned": zi.get("spanned"), "present": zi.get("present"), "managed": zi.get("managed"),
             "free_pages_ge_pageblock": {
                 "capture_before": ge(cap_b[key], pb) if key in cap_b else None,
                 "pre": ge(pre[key], pb), "post": ge(post[key], pb),
                 "capture_after": ge(cap_a[key], pb) if key in cap_a else None},
             "free_pages": {"pre": sum(c << o for o, c in enumerate(pre[key])),
                            "post": sum(c << o for o, c in enumerate(post[key]))},
             "pcp_pages": {"pre": zi.get("pcp_count"), "post": zpost.get(key, {}).get("pcp_count")},
             "nr_free_pages_blocks": {"pre": zi.get("nr_free_pages_blocks"),
                                      "post": zpost.get(key, {}).get("nr_free_pages_blocks")}}
        if runs is None:
            z["end"] = {"source": "unavailable (no tracefs)", "status": None}
        else:
            mine = [r for r in runs if zi.get("start_pfn") is not None and r["zone_start"] == zi["start_pfn"]]
            if not mine:
                z["end"] = {"source": "trace", "status": None, "runs": 0}
            else:
                r = mine[-1]
                z["end"] = {"source": "trace", "runs": len(mine), "status": r.get("status"),
                            "mode": r.get("mode"), "migrate_pfn": r.get("migrate_pfn"),
                            "free_pfn": r.get("free_pfn"), "zone_end": r.get("zone_end"),
                            "migrated": sum(x["migrated"] for x in mine),
                            "migrate_failed": sum(x["failed"] for x in mine),
                            "seconds": round(sum(x.get("end", x["begin"]) - x["begin"] for x in mine), 6)}
        zones.append(z)
    doc = {"truth_version": 1, "kernel": params.get("kernel"), "pageblock_order": pb,
           "params": params,
           "compact_memory": {"wall_seconds": float(cm["wall_s"]), "user_seconds": float(cm["user_s"]),
                              "sys_seconds": float(cm["sys_s"])},
           "vmstat_delta": {k: vpost.get(k, 0) - vpre.get(k, 0) for k in COUNTERS if k in vpre},
           "zones": zones}
    json.dump(doc, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


def find_prediction(sim, node, zone):
    """zones[].prediction {free_pages_ge_pageblock_low, _high} wherever the
    simulator puts a zone list (final.nodes[].zones[], simulation.zones[])."""
    hits = []

    def walk(o, nd):
        if isinstance(o, dict):
            nd = o.get("node", nd) if isinstance(o.get("node"), int) else nd
            if o.get("zone") == zone and nd in (None, node) and isinstance(o.get("prediction"), dict):
                hits.append(o["prediction"])
            for v in o.values():
                walk(v, nd)
        elif isinstance(o, list):
            for v in o:
                walk(v, nd)
    walk(sim, None)
    return hits[0] if hits else None


def find_end_status(sim, node, zone):
    """The simulator's end of compact_memory's run on zone, as
    "result/reason (m PFN f PFN)": render_sim.c prints it in
    compaction.compact_memory.zones[] (else compaction.last_run.zones[]) as
    {zone, result, reason, migrate_pfn, free_pfn}; None when absent."""
    comp = sim.get("compaction") or {}
    for run in ("compact_memory", "last_run"):
        for z in (comp.get(run) or {}).get("zones", []):
            if z.get("zone") == zone and z.get("node", node) == node and isinstance(z.get("result"), str):
                txt = z["result"]
                if isinstance(z.get("reason"), str):
                    txt += "/" + z["reason"]
                if z.get("migrate_pfn") is not None and z.get("free_pfn") is not None:
                    txt += " (m %#x f %#x)" % (z["migrate_pfn"], z["free_pfn"])
                return txt
    return None


def final_zone(sim, node, zone):
    for n in sim.get("final", {}).get("nodes", []):
        if n.get("node") == node:
            for z in n.get("zones", []):
                if z.get("zone") == zone:
                    return z
    return None


def pct(a, b):
    return "n/a" if not b else "%+.1f%%" % (100.0 * (a - b) / b)


def cmd_predict(args):
    fragstat, before, truthf, jout, crit, name = None, None, None, None, False, ""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--criteria":
            crit = True
            i += 1
            continue
        v = args[i + 1]
        if a == "--fragstat":
            fragstat = v
        elif a == "--before":
            before = v
        elif a == "--truth":
            truthf = v
        elif a == "--json":
            jout = v
        elif a == "--name":
            name = v
        else:
            raise SystemExit("compare.py: unknown option " + a)
        i += 2
    with open(truthf) as f:
        truth = json.load(f)
    pb = truth["pageblock_order"]
    cmd = [fragstat, "simulate", "--from", before, "--compaction", "full", "-o", "json", "--perf"]
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - t0
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        raise SystemExit("compare.py: %s exited %d" % (" ".join(cmd), p.returncode))
    sim = json.loads(p.stdout)
    perf = sim.get("perf") or {}
    sim_compact = perf.get("compact_memory_seconds")
    kern = truth["compact_memory"]["wall_seconds"]
    rows, ok_all, notes = [], True, []
    all_complete = True
    name = name or truth.get("params", {}).get("args", "")
    print("groundtruth %s: kernel %s, pageblock order %d" % (name, truth.get("kernel"), pb))
    print("%-8s %10s %21s %10s %9s %10s %10s %9s  %-22s %s" % (
        "zone", "before", "predicted (low..high)", "real", "error", "gain pred", "gain real",
        "migrated", "end: real (pfns)", "end: sim"))
    for z in truth["zones"]:
        node, zn = z["node"], z["zone"]
        g = z["free_pages_ge_pageblock"]
        before_v, real = g["capture_before"], g["post"]
        pred = find_prediction(sim, node, zn)
        src = "prediction"
        if pred is not None and "free_pages_ge_pageblock_low" in pred:
            lo, hi = pred["free_pages_ge_pageblock_low"], pred["free_pages_ge_pageblock_high"]
        else:
            fz = final_zone(sim, node, zn)
            if fz is None:
                print("%-8s (not in the simulation)" % zn)
                continue
            lo = hi = ge(fz["free_blocks"], pb)
            src = "final free lists"
        end = z.get("end") or {}
        st = end.get("status")
        if st != "complete":
            all_complete = False
        endtxt = "%s" % st
        if end.get("migrate_pfn") is not None:
            endtxt += " (m %#x f %#x)" % (end["migrate_pfn"], end["free_pfn"])
        sst = find_end_status(sim, node, zn)
        mid = (lo + hi) / 2.0
        err = pct(mid, real)
        if st == "complete":
            ok = real > 0 and abs(mid - real) <= 0.05 * real
            crit_txt = "within 5%"
        elif st is None:
            ok = None
            crit_txt = "end status unknown"
        else:
            ok = lo <= real <= hi
            crit_txt = "real inside range"
        if ok is False:
            ok_all = False
        rng = "%d" % lo if lo == hi else "%d..%d" % (lo, hi)
        zmig = end.get("migrated")
        print("%-8s %10d %21s %10d %9s %10d %10d %9s  %-22s %s" % (
            zn, before_v, rng, real, err, mid - before_v, real - g["pre"],
            "-" if zmig is None else zmig, endtxt, sst or "-"))
        rows.append({"node": node, "zone": zn, "before": before_v, "predicted_low": lo, "predicted_high": hi,
                     "prediction_from": src, "real": real, "real_pre": g["pre"], "end_status": st,
                     "sim_end_status": sst, "criterion": crit_txt, "met": ok})
    drift = ["%s %+d" % (z["zone"], z["free_pages_ge_pageblock"]["pre"] - z["free_pages_ge_pageblock"]["capture_before"])
             for z in truth["zones"] if z["free_pages_ge_pageblock"]["capture_before"] is not None]
    print("drift between the capture and the write (pre - before): " + ", ".join(drift) +
          "; gain real = post - pre")
    mig_real = sum((z.get("end") or {}).get("migrated", 0) or 0 for z in truth["zones"])
    if not any((z.get("end") or {}).get("source") == "trace" for z in truth["zones"]):
        mig_real = truth["vmstat_delta"].get("pgmigrate_success", 0)
    mig_sim = sim.get("counters", {}).get("pgmigrate_success")
    mig_ok = None
    if all_complete and mig_sim is not None:
        mig_ok = mig_real > 0 and abs(mig_sim - mig_real) <= 0.10 * mig_real
        if not mig_ok:
            ok_all = False
    print("pages migrated: predicted %s, real %d (trace; vmstat pgmigrate_success delta %d)%s" % (
        mig_sim, mig_real, truth["vmstat_delta"].get("pgmigrate_success", 0),
        "" if mig_ok is None else ("  within 10%" if mig_ok else "  NOT within 10%")))
    vd, sc = truth["vmstat_delta"], sim.get("counters", {})
    print("counters (kernel delta / simulator): " + ", ".join(
        "%s %s / %s" % (k, vd.get(k, "-"), sc.get(k, "-"))
        for k in ("compact_migrate_scanned", "compact_free_scanned", "compact_isolated", "pgmigrate_fail")))
    print("time: kernel compact_memory %.3f s wall (%.3f s system); simulator compaction %s s, "
          "whole simulate %.3f s wall (%.3f s CPU); sim/kernel %s" % (
              kern, truth["compact_memory"]["sys_seconds"],
              "%.3f" % sim_compact if sim_compact is not None else "n/a", wall,
              (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime),
              "%.2f" % (sim_compact / kern) if sim_compact is not None and kern > 0 else "n/a"))
    for r in rows:
        if r["met"] is not None:
            print("criterion %s: %s %s" % (r["zone"], r["criterion"], "met" if r["met"] else "NOT met"))
    if any(r["prediction_from"] != "prediction" for r in rows):
        print("note: the simulator printed no zones[].prediction; predicted = its final free lists")
    res = {"name": name, "zones": rows, "migrated": {"predicted": mig_sim, "real": mig_real, "met": mig_ok},
           "kernel_seconds": kern, "sim_compaction_seconds": sim_compact, "sim_wall_seconds": wall,
           "criteria_met": ok_all}
    if jout:
        with open(jout, "w") as f:
            json.dump(res, f, indent=1)
    return 1 if crit and not ok_all else 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "truth":
        cmd_truth(sys.argv[2])
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "predict":
        return cmd_predict(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 1


if __name__ == "__main__":
    sys.exit(main())
