/**
 * Hostile-input run: `bun scripts/fuzz.ts [--frames N] [--seed S]`.
 *
 * 1. N frames (default 100,000) through the protocol parser: only ProtocolError is thrown and
 *    every accepted frame holds the message invariants.
 * 2. N frames over real connections to a fresh server, split over the roles anonymous,
 *    member and outsider: every frame answered, errors well-formed, the server alive.
 * Prints the figures and exits 1 when anything broke a rule.
 */
import { parseArgs } from "node:util";
import { parseClientMessage, ProtocolError } from "../shared/parse.ts";
import { emptyStats } from "../tests/fuzz/driver.ts";
import { checkClientMessage, FrameGenerator, frameText } from "../tests/fuzz/frames.ts";
import { CONTEXT, fuzzRole, populate, type FuzzRole } from "../tests/fuzz/scenario.ts";
import { isAlive, Wire } from "../tests/fuzz/wire.ts";
import { mib, rssBytes } from "../tests/helpers/process.ts";
import { startServer } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  options: {
    frames: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
  },
});
const frames = Number(values.frames);
const seed = Number(values.seed);

function parserRun(): number {
  const gen = new FrameGenerator(seed, CONTEXT);
  let accepted = 0;
  let problems = 0;
  const start = performance.now();
  for (let i = 0; i < frames; i++) {
    const text = frameText(gen.next());
    try {
      const problem = checkClientMessage(parseClientMessage(text));
      accepted++;
      if (problem) {
        problems++;
        console.error(`invariant broken: ${problem}: ${text.slice(0, 160)}`);
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) {
        problems++;
        console.error(`unexpected ${String(err)}: ${text.slice(0, 160)}`);
      }
    }
  }
  const ms = performance.now() - start;
  console.log(
    `parser: ${frames} frames in ${ms.toFixed(0)} ms, ${accepted} accepted, ` +
      `${frames - accepted} rejected, ${problems} problems`,
  );
  return problems;
}

async function serverRun(): Promise<number> {
  const server = await startServer();
  try {
    CONTEXT.messageIds = (await populate(server.url)).messageIds;
    const gen = new FrameGenerator(seed + 1, CONTEXT);
    const stats = emptyStats();
    const roles: FuzzRole[] = ["anonymous", "member", "outsider"];
    const rss: number[] = [rssBytes(server.proc.pid) ?? 0];
    const start = performance.now();
    const slice = 10_000;
    for (let done = 0; done < frames; done += slice) {
      const role = roles[(done / slice) % roles.length] as FuzzRole;
      await fuzzRole(server.url, role, Math.min(slice, frames - done), gen, stats);
      rss.push(rssBytes(server.proc.pid) ?? 0);
      console.log(
        `  ${done + Math.min(slice, frames - done)} frames, server RSS ${mib(rss.at(-1)!)} MB`,
      );
    }
    const seconds = (performance.now() - start) / 1000;
    const probe = await Wire.open(server.url);
    const pong = await probe.request({ type: "ping" });
    await probe.close();
    console.log(
      `server: ${stats.frames} frames in ${seconds.toFixed(1)} s ` +
        `(${(stats.frames / seconds).toFixed(0)} frames/s), ${stats.parseRejected} malformed`,
    );
    console.log(`answers: ${JSON.stringify(sortedEntries(stats.answers))}`);
    console.log(`recipes: ${JSON.stringify(sortedEntries(stats.byLabel))}`);
    console.log(`connections closed by the server: ${JSON.stringify(stats.closes)}`);
    console.log(
      `server RSS: start ${mib(rss[0]!)} MB, end ${mib(rss.at(-1)!)} MB, ` +
        `max ${mib(Math.max(...rss))} MB; alive: ${isAlive(server.proc.pid)}; ` +
        `ping after: ${pong.type}`,
    );
    for (const p of stats.problems.slice(0, 30)) console.error(`problem: ${p}`);
    console.log(`problems: ${stats.problems.length}`);
    return stats.problems.length + (pong.type === "pong" ? 0 : 1);
  } finally {
    await server.stop();
  }
}

function sortedEntries(rec: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(rec).sort((a, b) => b[1] - a[1]));
}

const problems = parserRun() + (await serverRun());
process.exit(problems === 0 ? 0 : 1);
