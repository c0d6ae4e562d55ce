#!/usr/bin/env python3
"""Turns the load generator's JSON lines into the table of `make bench`, results/latest.json,
results/latest.md (the table, pasted into docs/performance.md) and results/latest.png.
Throughput runs repeated over rounds report the best round; latencies come from one run.
usage: summarize.py RESULTS.jsonl OUT_DIR --command CMD --threads N --loadgen-threads N --knobs TEXT
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import tempfile

PEERS = {"ingest": ["nginx-static", "nchan-publish"],
         "deliver": ["nchan-ws", "mosquitto"], "fanout": ["nchan-ws", "mosquitto"]}
OURS = {"ingest": ["ours"], "deliver": ["ours-mqtt", "ours-mqtt-ws", "ours-sse"],
        "fanout": ["ours-mqtt", "ours-mqtt-ws", "ours-sse"]}


def best(lines, scenario, target, key, phase=None):
    rows = [l for l in lines if l["scenario"] == scenario and l["target"] == target
            and (phase is None or l.get("phase") == phase)]
    return max(rows, key=lambda l: l[key]) if rows else None


def fmt(v, digits=0):
    return "–" if v is None else f"{v:,.{digits}f}"


def ratio(a, b):
    return None if not a or not b else a / b


def build(lines, rates):
    table, targets = [], []
    # ingest: req/s with p50/p99 of the best round
    for ours in OURS["ingest"]:
        o = best(lines, "ingest", ours, "rps")
        for peer in PEERS["ingest"]:
            p = best(lines, "ingest", peer, "rps")
            if o and p:
                table.append(["ingest", "req/s (p50/p99 µs)", ours,
                              f"{fmt(o['rps'])} ({fmt(o['p50_us'])}/{fmt(o['p99_us'])})", peer,
                              f"{fmt(p['rps'])} ({fmt(p['p50_us'])}/{fmt(p['p99_us'])})",
                              ratio(o["rps"], p["rps"])])
    o, p = best(lines, "ingest", "ours", "rps"), best(lines, "ingest", "nginx-static", "rps")
    if o and p:
        r = o["rps"] / p["rps"]
        targets.append(["ingest ≥ 0.70× nginx static 200", f"{r:.2f}×", r >= 0.70])
    # deliver and fan-out at saturation
    for scenario, key, what in (("deliver", "completed_per_s", "triggers/s delivered"),
                                ("fanout", "copies_per_s", "deliveries/s (1 topic, all subscribers)")):
        for ours in OURS[scenario]:
            o = best(lines, scenario, ours, key, "sat")
            for peer in PEERS[scenario]:
                p = best(lines, scenario, peer, key, "sat")
                if o and p:
                    flag = "" if o["missing"] == 0 and o["duplicates"] == 0 else " (lost/dup!)"
                    table.append([scenario + " (saturation)", what, ours, fmt(o[key]) + flag, peer,
                                  fmt(p[key]), ratio(o[key], p[key])])
    # durability: persistent sessions (journaled, answered after the group commit) vs clean
    base = best(lines, "deliver", "ours-mqtt-clean", "completed_per_s", "sat")
    for durable in ("ours-mqtt-durable", "ours-mqtt-durable-nofsync"):
        o = best(lines, "deliver", durable, "completed_per_s", "sat")
        if o and base:
            flag = "" if o["missing"] == 0 and o["duplicates"] == 0 else " (lost/dup!)"
            table.append(["durability (saturation)", "triggers/s delivered to persistent sessions",
                          durable, fmt(o["completed_per_s"]) + flag, "ours-mqtt-clean",
                          fmt(base["completed_per_s"]), ratio(o["completed_per_s"], base["completed_per_s"])])
    o, p = best(lines, "deliver", "ours-mqtt", "completed_per_s", "sat"), \
        best(lines, "deliver", "nchan-ws", "completed_per_s", "sat")
    if o and p:
        r = o["completed_per_s"] / p["completed_per_s"]
        targets.append(["deliver ≥ 1.5× nchan (MQTT subscribers vs nchan WebSocket)", f"{r:.2f}×", r >= 1.5])
    # end-to-end latency at fixed rates: p50/p99/p99.9; the ratio compares p99 (lower is better)
    for rate in rates:
        for ours in OURS["deliver"]:
            o = best(lines, "deliver", ours, "completed", str(rate))
            for peer in PEERS["deliver"]:
                p = best(lines, "deliver", peer, "completed", str(rate))
                if o and p:
                    lat = lambda l: (f"{fmt(l['p50_us'])}/{fmt(l['p99_us'])}/{fmt(l['p999_us'])}"
                                     + ("" if l["sent_per_s"] >= 0.97 * rate else f" @{fmt(l['sent_per_s'])}/s"))
                    table.append([f"e2e latency at {rate:,}/s", "p50/p99/p99.9 µs", ours, lat(o), peer,
                                  lat(p), ratio(o["p99_us"], p["p99_us"])])
    o = best(lines, "deliver", "ours-mqtt", "completed", "10000")
    if o:
        targets.append(["e2e p99 ≤ 1 ms at 10k triggers/s (MQTT)", f"{o['p99_us'] / 1000:.2f} ms",
                        o["p99_us"] <= 1000])
    # several nodes: two nodes on one Redis against one node alone (one event loop each)
    o, p = best(lines, "ingest", "ours-cluster", "rps"), best(lines, "ingest", "ours-1-loop", "rps")
    if o and p:
        table.append(["cluster ingest", "req/s (p50/p99 µs)", "ours-cluster",
                      f"{fmt(o['rps'])} ({fmt(o['p50_us'])}/{fmt(o['p99_us'])})", "ours-1-loop",
                      f"{fmt(p['rps'])} ({fmt(p['p50_us'])}/{fmt(p['p99_us'])})", ratio(o["rps"], p["rps"])])
    o = best(lines, "deliver", "ours-cross-node-mqtt", "completed_per_s", "sat")
    p = best(lines, "deliver", "ours-1-loop-mqtt", "completed_per_s", "sat")
    if o and p:
        flag = "" if o["missing"] == 0 and o["duplicates"] == 0 else " (lost/dup!)"
        table.append(["cluster deliver (saturation)", "triggers/s delivered", "ours-cross-node-mqtt",
                      fmt(o["completed_per_s"]) + flag, "ours-1-loop-mqtt", fmt(p["completed_per_s"]),
                      ratio(o["completed_per_s"], p["completed_per_s"])])
    for rate in rates:
        o = best(lines, "deliver", "ours-cross-node-mqtt", "completed", str(rate))
        p = best(lines, "deliver", "ours-1-loop-mqtt", "completed", str(rate))
        if o and p:
            lat = lambda l: (f"{fmt(l['p50_us'])}/{fmt(l['p99_us'])}/{fmt(l['p999_us'])}"
                             + ("" if l["sent_per_s"] >= 0.97 * rate else f" @{fmt(l['sent_per_s'])}/s"))
            table.append([f"cluster e2e latency at {rate:,}/s", "p50/p99/p99.9 µs", "ours-cross-node-mqtt",
                          lat(o), "ours-1-loop-mqtt", lat(p), ratio(o["p99_us"], p["p99_us"])])
    # idle connections
    per = {}
    for l in lines:
        if l["scenario"] == "connections":
            per[l["target"]] = (l["rss_after_kib"] - l["rss_before_kib"]) / max(l["ready"], 1)
            l["kib_per_connection"] = per[l["target"]]
    if "ours" in per and "mosquitto" in per:
        count = next(l for l in lines if l["scenario"] == "connections")["count"]
        table.append([f"connections ({count:,} idle MQTT)", "RSS KiB/connection", "ours",
                      f"{per['ours']:.2f}", "mosquitto", f"{per['mosquitto']:.2f}",
                      ratio(per["ours"], per["mosquitto"])])
        targets.append(["≤ 4 KiB RSS per idle MQTT connection", f"{per['ours']:.2f} KiB", per["ours"] <= 4])
    return table, targets


def markdown(table, targets, meta):
    out = [f"`{meta['command']}` on {meta['machine']['cpus']} × {meta['machine']['cpu']}, "
           f"{meta['generated_at']}; server `--threads {meta['server_threads']}`, nginx "
           f"`worker_processes {meta['server_threads']}`, load generator {meta['loadgen_threads']} "
           f"thread(s), " + ("pinned to CPU 0 and the servers to the other CPUs"
                             if meta["pinned"] else "all on the same cores") +
           f". Knobs: `{meta['knobs']}`.", "",
           "| scenario | measure | ours | figure | peer | figure | ours / peer |",
           "|---|---|---|---|---|---|---|"]
    for row in table:
        out.append("| " + " | ".join(row[:6]) + f" | {'–' if row[6] is None else f'{row[6]:.2f}'} |")
    out += ["", "| target | measured | met |", "|---|---|---|"]
    out += [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in targets]
    return "\n".join(out) + "\n"


def chart(lines, rates, path):
    """Left: throughput of every target per scenario; right: e2e p99 against the rate."""
    tmp = tempfile.mkdtemp()
    bars = []
    for scenario, key in (("ingest", "rps"), ("deliver", "completed_per_s"), ("fanout", "copies_per_s")):
        for target in OURS[scenario] + PEERS[scenario]:
            row = best(lines, scenario, target, key, None if scenario == "ingest" else "sat")
            if row:
                bars.append(f'"{scenario}\\n{target}" {row[key] / 1000:.1f} {1 if target.startswith("ours") else 2}')
    with open(os.path.join(tmp, "bars.dat"), "w") as f:
        f.write("\n".join(bars) + "\n")
    lat_targets = OURS["deliver"] + PEERS["deliver"]
    with open(os.path.join(tmp, "lat.dat"), "w") as f:
        for rate in rates:
            vals = []
            for t in lat_targets:
                row = best(lines, "deliver", t, "completed", str(rate))
                vals.append(f"{row['p99_us']:.0f}" if row else "NaN")
            f.write(f"{rate} " + " ".join(vals) + "\n")
    plots = ", ".join(f"'{tmp}/lat.dat' using 1:{i + 2} with linespoints lw 2 title '{t}'"
                      for i, t in enumerate(lat_targets))
    script = f"""
set terminal pngcairo size 1400,600 font ',10'
set output '{path}'
set multiplot layout 1,2
set title 'throughput (k/s): ingest req/s, deliver triggers/s, fan-out deliveries/s'
set style fill solid 0.8
set boxwidth 0.7
set xtics rotate by -60 font ',8'
set yrange [0:*]
set key off
plot '{tmp}/bars.dat' using 0:2:($3 == 1 ? 0x2e7d32 : 0x9e9e9e):xtic(1) with boxes lc rgb variable, \\
     '' using 0:2:(sprintf('%.0f', $2)) with labels offset 0,0.7 font ',8'
set title 'end-to-end p99 latency (µs) at fixed trigger rates'
set logscale xy
set xtics norotate font ',10'
set xlabel 'triggers/s'
set key top left
set yrange [*:*]
plot {plots}
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("out_dir")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--loadgen-threads", default="1")
    ap.add_argument("--pin", default="0")
    ap.add_argument("--knobs", default="")
    args = ap.parse_args()
    with open(args.results) as f:
        lines = [json.loads(l) for l in f if l.strip().startswith("{")]
    rates = sorted({int(l["target_rate"]) for l in lines if l["scenario"] == "deliver" and l["target_rate"] > 0})
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    meta = {"generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": args.command, "knobs": args.knobs, "server_threads": int(args.threads),
            "loadgen_threads": int(args.loadgen_threads), "pinned": args.pin == "1",
            "machine": {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release()}}
    table, targets = build(lines, rates)
    md = markdown(table, targets, meta)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "latest.json"), "w") as f:
        json.dump({**meta, "table": [dict(zip(["scenario", "measure", "ours", "ours_figure", "peer",
                                                "peer_figure", "ratio"], r)) for r in table],
                   "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets],
                   "runs": lines}, f, indent=1)
    with open(os.path.join(args.out_dir, "latest.md"), "w") as f:
        f.write(md)
    chart(lines, rates, os.path.join(args.out_dir, "latest.png"))
    print(md)


if __name__ == "__main__":
    main()
