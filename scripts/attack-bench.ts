/**
 * What one hostile account or address costs everyone else. For each attack, a real server
 * with its limits on (127.0.0.1, port 0, a copy of one data set) is measured from an ordinary
 * user's own connection: `ping` round trips and `send` acknowledgements, first without the
 * attack, then while it runs; then the server's RSS, its data folder and its log.
 *
 *   bun scripts/attack-bench.ts [--only NAME] [--scale small|full]
 *
 * The victim authenticates with a session token it already holds: it shares 127.0.0.1 with
 * the attacker, so limits per address apply to both, and the table says when it was refused.
 * A refusal, a closed socket or a server that stops answering is a result, not a failure.
 * The victim and the attacker run in processes of their own, the attacker at a lower
 * priority, so that the attacker's own work does not show in the victim's figures.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Attacker, ATTACKS } from "../bench/lib/attacker.ts";
import { makeSeed, ROOMS, SCALES } from "../bench/lib/attack-plan.ts";
import type { Attack, Scale, Seed } from "../bench/lib/attack-plan.ts";
import { Victim } from "../bench/lib/attack-victim.ts";
import type { Latency, PhaseResult } from "../bench/lib/attack-victim.ts";
import { copyDataset } from "../bench/lib/dataset.ts";
import { HAS_TASKSET, installExitHandlers, rssBytes } from "../bench/lib/proc.ts";
import { removeTempDirs, startServer, tempDir } from "../bench/lib/servers.ts";

/** The figures of one attack. */
interface Row {
  attack: string;
  baseline?: PhaseResult;
  attacked?: PhaseResult;
  rssAfter: number;
  rssPeak: number;
  dataBytes: number;
  dataGrowth: number;
  diskWritten: number;
  logGrowth: number;
  /** Connections the server closed, by close code (from its log). */
  closed: string;
  answered: string;
}

/** Bytes of the files under `dir`, server.log aside (it is reported on its own). */
function dataSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name === "server.log") continue;
    total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Bytes the process has had written to disk so far (/proc/PID/io write_bytes). */
function diskWrites(pid: number): number {
  try {
    return Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1]);
  } catch {
    return NaN;
  }
}

/** Connections the server closed during the attack, by close code, from its log. */
function closesInLog(log: string, from: number): string {
  let text = "";
  try {
    text = readFileSync(log, "utf8").slice(from);
  } catch {
    return "no log";
  }
  const codes = new Map<string, number>();
  for (const m of text.matchAll(/ disconnect .*code=(\d+)/g)) {
    // 1000/1005/1006: the client closed or dropped the connection, not the server.
    if (!["1000", "1005", "1006"].includes(m[1]!)) codes.set(m[1]!, (codes.get(m[1]!) ?? 0) + 1);
  }
  const parts = [...codes].map(([code, n]) => `${n.toLocaleString("en-US")} x ${code}`);
  return parts.join(", ") || "none";
}

async function runAttack(attack: Attack, seed: Seed, scale: Scale): Promise<Row> {
  const dataDir = tempDir(`attack-${attack.name}`);
  copyDataset(seed.dataDir, dataDir);
  const log = join(dataDir, "server.log");
  const server = await startServer("ours", {
    dataDir,
    isRateLimited: true,
    isPasswordCostReal: scale.isPasswordCostReal,
  });
  const row: Row = {
    attack: attack.name,
    rssAfter: NaN,
    rssPeak: NaN,
    dataBytes: NaN,
    dataGrowth: NaN,
    diskWritten: NaN,
    logGrowth: NaN,
    closed: "n/a",
    answered: "",
  };
  let victim: Victim | null = null;
  let attacker: Attacker | null = null;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(server.pid) || 0);
  }, 200);
  try {
    victim = await Victim.start({
      port: server.port,
      token: seed.tokens.victim,
      room: ROOMS.victim,
      samples: scale.samples,
      intervalMs: scale.intervalMs,
      maxMs: scale.maxMs,
    });
    row.baseline = await victim.measure("baseline");
    const dataBefore = dataSize(dataDir);
    const logBefore = fileSize(log);
    const writtenBefore = diskWrites(server.pid);
    peak = 0; // the peak of the attack, not of start-up
    attacker = await Attacker.start(attack.name, server.port, seed, scale);
    row.attacked = await victim.measure("attack", attacker.finished);
    row.answered = await attacker.stop();
    attacker = null;
    row.rssAfter = rssBytes(server.pid);
    row.rssPeak = Math.max(peak, row.rssAfter || 0);
    row.dataBytes = dataSize(dataDir);
    row.dataGrowth = row.dataBytes - dataBefore;
    row.diskWritten = diskWrites(server.pid) - writtenBefore;
    row.logGrowth = fileSize(log) - logBefore;
    row.closed = closesInLog(log, logBefore);
  } catch (err) {
    row.answered = `benchmark error: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearInterval(sampler);
    await attacker?.stop();
    await victim?.close();
    await server.stop();
  }
  return row;
}

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : "n/a");
const mb = (x: number) => (Number.isFinite(x) ? `${(x / 1e6).toFixed(1)} MB` : "n/a");
const kb = (x: number) => (Number.isFinite(x) ? `${(x / 1e3).toFixed(1)} KB` : "n/a");

function pair(base: Latency | undefined, under: Latency | undefined): string {
  if (!base || !under) return "n/a";
  return `${ms(base.p50)} / ${ms(base.p99)} -> ${ms(under.p50)} / ${ms(under.p99)} (n=${under.n})`;
}

/** Under-attack over baseline, for p50 and p99 of ping and send; NaN when not measured. */
function ratios(row: Row): number[] {
  const b = row.baseline;
  const a = row.attacked;
  if (!b || !a) return [NaN];
  return [
    a.ping.p50 / b.ping.p50,
    a.ping.p99 / b.ping.p99,
    a.send.p50 / b.send.p50,
    a.send.p99 / b.send.p99,
  ];
}

function verdict(row: Row): string {
  const r = ratios(row);
  const worst = Math.max(...r);
  const text = `${r.map((x) => (Number.isFinite(x) ? `${x.toFixed(1)}x` : "n/a")).join(" ")}`;
  if (!r.every(Number.isFinite)) return `not measured (${text})`;
  return worst <= 2 ? `yes (${text})` : `**no** (${text})`;
}

function victimNote(row: Row): string {
  const a = row.attacked;
  if (!a) return "n/a";
  const errors = a.errors === "none" ? "no errors" : a.errors;
  const fallback = a.auth.startsWith("refused") ? ", measured on its earlier connection" : "";
  return `${a.auth}${fallback}; ${errors}`;
}

function table(rows: Row[]): string {
  const head =
    "| attack | ping ms p50 / p99: before -> under attack | send ack ms p50 / p99: before -> under attack | within 2x? (ping p50 p99, send p50 p99) | RSS after (peak during) | data (growth) | disk written | log growth | closed by the server | victim under attack | what the server answered the attacker |";
  const lines = [head, `|${" --- |".repeat(11)}`];
  for (const row of rows) {
    const cells = [
      row.attack,
      pair(row.baseline?.ping, row.attacked?.ping),
      pair(row.baseline?.send, row.attacked?.send),
      verdict(row),
      `${mb(row.rssAfter)} (${mb(row.rssPeak)})`,
      `${mb(row.dataBytes)} (+${mb(row.dataGrowth)})`,
      mb(row.diskWritten),
      kb(row.logGrowth),
      row.closed,
      victimNote(row),
      row.answered.replaceAll("|", "/"),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: "string" }, scale: { type: "string", default: "full" } },
  });
  const scale = SCALES[values.scale as Scale["name"]];
  if (!scale) throw new Error(`--scale is small or full, not '${values.scale}'`);
  const attacks = values.only ? ATTACKS.filter((a) => a.name === values.only) : ATTACKS;
  if (attacks.length === 0) {
    throw new Error(`no attack '${values.only}'; one of ${ATTACKS.map((a) => a.name).join(", ")}`);
  }
  installExitHandlers(removeTempDirs);
  const commit = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"]).stdout.toString().trim();
  console.log(
    `# Attack benchmark, ${new Date().toISOString()}, commit ${commit || "(not a git checkout)"}, scale ${scale.name}`,
  );
  console.log(
    `password hashing: ${scale.isPasswordCostReal ? "real cost" : "CHAT_PASSWORD_COST=low (cheap: not the real cost)"}; ` +
      `victim: ${scale.samples} ping + send pairs every ${scale.intervalMs} ms (at most ${scale.maxMs / 1000} s) per phase; ` +
      (HAS_TASKSET
        ? "server on core 0, victim and attacker (nice 10) on core 1\n"
        : "no taskset: processes are not pinned\n"),
  );
  const seed = await makeSeed(scale);
  const rows: Row[] = [];
  for (const attack of attacks) {
    process.stderr.write(`${attack.name}: ${attack.what}\n`);
    rows.push(await runAttack(attack, seed, scale));
  }
  console.log(table(rows));
  removeTempDirs();
}

await main();
