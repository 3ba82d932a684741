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
import { parseArgs } from "node:util";
import { FootprintWatch } from "../bench/lib/attack-footprint.ts";
import type { Footprint } from "../bench/lib/attack-footprint.ts";
import { Attacker, ATTACKS } from "../bench/lib/attacker.ts";
import { makeSeed, ROOMS, SCALES } from "../bench/lib/attack-plan.ts";
import type { Attack, Scale, Seed } from "../bench/lib/attack-plan.ts";
import { Victim } from "../bench/lib/attack-victim.ts";
import type { Latency, PhaseResult } from "../bench/lib/attack-victim.ts";
import { copyDataset } from "../bench/lib/dataset.ts";
import { HAS_TASKSET, installExitHandlers } from "../bench/lib/proc.ts";
import { removeTempDirs, startServer, tempDir } from "../bench/lib/servers.ts";

/** The figures of one attack. */
interface Row {
  attack: string;
  baseline?: PhaseResult;
  attacked?: PhaseResult;
  footprint?: Footprint;
  answered: string;
}

async function runAttack(attack: Attack, seed: Seed, scale: Scale): Promise<Row> {
  const dataDir = tempDir(`attack-${attack.name}`);
  copyDataset(seed.dataDir, dataDir);
  const server = await startServer("ours", {
    dataDir,
    isRateLimited: true,
    isPasswordCostReal: scale.isPasswordCostReal,
  });
  const row: Row = { attack: attack.name, answered: "" };
  const { samples, intervalMs, maxMs } = scale;
  const { port, pid } = server;
  let victim: Victim | null = null;
  let attacker: Attacker | null = null;
  let watch: FootprintWatch | null = null;
  try {
    victim = await Victim.start({
      port,
      token: seed.tokens.victim,
      room: ROOMS.victim,
      samples,
      intervalMs,
      maxMs,
    });
    row.baseline = await victim.measure("baseline");
    watch = new FootprintWatch(pid, dataDir);
    attacker = await Attacker.start(attack.name, port, seed, scale);
    // The victim connects once the attack is under way (the address limited, the sockets open).
    await Promise.race([Bun.sleep(scale.warmupMs), attacker.finished]);
    row.attacked = await victim.measure("attack", attacker.finished);
    row.answered = await attacker.stop();
    attacker = null;
    row.footprint = watch.finish();
  } catch (err) {
    row.answered = `benchmark error: ${err instanceof Error ? err.message : String(err)}`;
    watch?.cancel();
  } finally {
    await attacker?.stop();
    await victim?.close();
    await server.stop();
  }
  return row;
}

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : "n/a");
const mb = (x = NaN) => (Number.isFinite(x) ? `${(x / 1e6).toFixed(1)} MB` : "n/a");
const kb = (x = NaN) => (Number.isFinite(x) ? `${(x / 1e3).toFixed(1)} KB` : "n/a");

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
    const f = row.footprint;
    const cells = [
      row.attack,
      pair(row.baseline?.ping, row.attacked?.ping),
      pair(row.baseline?.send, row.attacked?.send),
      verdict(row),
      `${mb(f?.rssAfter)} (${mb(f?.rssPeak)})`,
      `${mb(f?.dataBytes)} (+${mb(f?.dataGrowth)})`,
      mb(f?.diskWritten),
      kb(f?.logGrowth),
      f?.closed ?? "n/a",
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
