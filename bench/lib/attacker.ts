/**
 * The attacks of the attack benchmark, and the process that runs one of them. The attacker
 * runs at a lower priority (nice 10) on the load generators' core, beside the victim: when
 * the victim has work, it goes first, so the attacker's own CPU use does not show in the
 * victim's figures; what shows is what the attack costs the server.
 *
 * Protocol with the parent: the child prints `{"started":true}` (or `{"error":...}`) once
 * the measured part runs, `{"finished":true}` if the attack ends by itself, and on a `stop`
 * line stops and prints `{"answered":...}`, what the server answered the attacker.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { historyPages, manyRooms, piledNotices } from "./attack-floods.ts";
import { badLogins, manySockets, passwordWork } from "./attack-logins.ts";
import { SCALES } from "./attack-plan.ts";
import type { Attack, Scale, Seed } from "./attack-plan.ts";
import { LineChild } from "./line-child.ts";
import { pin } from "./proc.ts";
import { CLIENT_CORE, raiseFdLimit, tempDir } from "./servers.ts";

/** Every attack, in the order of the table. */
export const ATTACKS: Attack[] = [
  manyRooms,
  piledNotices,
  passwordWork,
  manySockets,
  historyPages,
  badLogins,
];

type Line = { started?: true; error?: string; finished?: true; answered?: string };

/** One attack running in a process of its own. */
export class Attacker {
  /** Settles when the attack has nothing left to do (or its process ended). */
  readonly finished: Promise<void>;
  #child: LineChild;
  #answered: Promise<string>;

  private constructor(child: LineChild) {
    this.#child = child;
    let onFinished!: () => void;
    this.finished = new Promise((resolve) => (onFinished = resolve));
    this.#answered = (async () => {
      try {
        for (;;) {
          const line = await child.next<Line>();
          if (line.finished) onFinished();
          if (line.answered !== undefined) return line.answered;
        }
      } catch (err) {
        onFinished();
        return `benchmark error: ${err instanceof Error ? err.message : String(err)}`;
      }
    })();
  }

  /** Start attack `name` against `port`; returns once its measured part runs. */
  static async start(name: string, port: number, seed: Seed, scale: Scale): Promise<Attacker> {
    const seedFile = join(tempDir("seed-file"), "seed.json");
    writeFileSync(seedFile, JSON.stringify(seed));
    const args = { name, port, seed: seedFile, scale: scale.name };
    const child = new LineChild([
      ...raiseFdLimit(),
      ...(Bun.which("nice") ? ["nice", "-n", "10"] : []),
      ...pin(CLIENT_CORE),
      process.execPath,
      import.meta.path,
      ...Object.entries(args).map(([k, v]) => `--${k}=${String(v)}`),
    ]);
    const first = await child.next<Line>();
    if (!first.started) {
      await child.close();
      throw new Error(first.error ?? "the attacker did not start");
    }
    return new Attacker(child);
  }

  /** Stop the attack; returns what the server answered the attacker. */
  async stop(): Promise<string> {
    this.#child.write("stop");
    const answered = await this.#answered;
    await this.#child.close();
    return answered;
  }
}

async function attackerMain(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(
      ["name", "port", "seed", "scale"].map((k) => [k, { type: "string" as const }]),
    ),
  });
  const attack = ATTACKS.find((a) => a.name === values.name)!;
  const seed = JSON.parse(readFileSync(String(values.seed), "utf8")) as Seed;
  const scale = SCALES[values.scale as Scale["name"]];
  const say = (line: Line) => console.log(JSON.stringify(line));
  let running;
  try {
    running = await attack.start({ port: Number(values.port), seed, scale });
  } catch (err) {
    say({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  say({ started: true });
  void running.finished.then(() => say({ finished: true }));
  for await (const command of console) {
    if (command !== "stop") continue;
    say({ answered: await running.stop() });
    process.exit(0);
  }
  // The benchmark is gone (stdin closed): stop too.
  await running.stop();
  process.exit(0);
}

if (import.meta.main) await attackerMain();
