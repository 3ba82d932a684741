/**
 * The ordinary user of the attack benchmark, in a process of its own so that the attacking
 * process's work never shows in its figures. It authenticates with a session token it already
 * holds and, on each command, measures paced `ping` round trips and `send` acknowledgements.
 *
 * Protocol with the parent, one line each way: the child prints `{"ready":...}` once, then
 * reads `baseline` or `attack` (measure; `attack` first opens a fresh connection, falling
 * back to the first one when the server refuses it) and `stop` (end the measurement early),
 * printing one JSON `PhaseResult` line per measurement.
 */
import { parseArgs } from "node:util";
import { describe, Peer, sleep, Tally } from "./attack-peer.ts";
import { LineChild } from "./line-child.ts";
import { pin } from "./proc.ts";
import { CLIENT_CORE } from "./servers.ts";

/** Percentiles of one kind of round trip, in ms. */
export interface Latency {
  n: number;
  p50: number;
  p99: number;
}

/** What one measurement found. */
export interface PhaseResult {
  ping: Latency;
  send: Latency;
  /** Refusals and failures the victim met, e.g. `2 rate_limited`; "none" when none. */
  errors: string;
  /** How the fresh connection of an `attack` measurement went: `auth 3 ms` or `refused: ...`. */
  auth: string;
}

/** How the victim samples. */
export interface VictimPlan {
  port: number;
  token: string;
  room: string;
  samples: number;
  intervalMs: number;
  maxMs: number;
}

/** The p50 and p99 of `values` (nearest rank). */
export function latency(values: number[]): Latency {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]! : NaN;
  return { n: v.length, p50: at(0.5), p99: at(0.99) };
}

/** The victim process, driven from the benchmark. */
export class Victim {
  #child: LineChild;

  private constructor(child: LineChild) {
    this.#child = child;
  }

  /** Start the victim and wait until it is authenticated; throws with the refusal if not. */
  static async start(plan: VictimPlan): Promise<Victim> {
    // `--k=v`: a token may start with "-".
    const args = Object.entries(plan).map(([k, v]) => `--${k}=${String(v)}`);
    const child = new LineChild([...pin(CLIENT_CORE), process.execPath, import.meta.path, ...args]);
    const ready = await child.next<{ ready: boolean; auth: string }>();
    if (!ready.ready) {
      await child.close();
      throw new Error(`the victim could not authenticate: ${ready.auth}`);
    }
    return new Victim(child);
  }

  /** Measure now; a measurement ends early when `until` settles first. */
  async measure(phase: "baseline" | "attack", until?: Promise<unknown>): Promise<PhaseResult> {
    this.#child.write(phase);
    let isDone = false;
    void until?.finally(() => {
      if (!isDone) this.#child.write("stop");
    });
    const result = await this.#child.next<PhaseResult>();
    isDone = true;
    return result;
  }

  /** End the victim process. */
  close(): Promise<void> {
    return this.#child.close();
  }
}

// ---------------------------------------------------------------------------
// The victim process itself.

async function timedAuth(plan: VictimPlan): Promise<{ peer: Peer | null; auth: string }> {
  const t0 = performance.now();
  const peer = await Peer.authed(plan.port, plan.token, "listen");
  if (typeof peer === "string") return { peer: null, auth: `refused: ${peer}` };
  return { peer, auth: `auth ${(performance.now() - t0).toFixed(1)} ms` };
}

async function sample(peer: Peer, plan: VictimPlan, isStopped: () => boolean) {
  const pings: number[] = [];
  const sends: number[] = [];
  const errors = new Tally();
  const t0 = performance.now();
  for (let i = 0; i < plan.samples && !isStopped(); i++) {
    if (performance.now() - t0 > plan.maxMs || peer.closed) break;
    const start = performance.now();
    let t = start;
    const pong = await peer.call({ type: "ping" }, 10_000);
    if (pong.type === "pong") pings.push(performance.now() - t);
    else errors.add(`ping ${describe(pong)}`);
    t = performance.now();
    const sent = await peer.call({ type: "send", room: plan.room, text: `v${i}` }, 10_000);
    if (sent.type === "sent") sends.push(performance.now() - t);
    else errors.add(`send ${describe(sent)}`);
    // Paced from this pair's start, never catching up after a slow reply: an ordinary user
    // does not send a burst after a stall (and would meet the message limit if it did).
    await sleep(start + plan.intervalMs - performance.now());
  }
  if (peer.closed) errors.add("connection closed");
  return { ping: latency(pings), send: latency(sends), errors: errors.toString() };
}

async function victimMain(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(
      ["port", "token", "room", "samples", "intervalMs", "maxMs"].map((k) => [
        k,
        { type: "string" as const },
      ]),
    ),
  });
  const plan: VictimPlan = {
    port: Number(values.port),
    token: String(values.token),
    room: String(values.room),
    samples: Number(values.samples),
    intervalMs: Number(values.intervalMs),
    maxMs: Number(values.maxMs),
  };
  const first = await timedAuth(plan);
  console.log(JSON.stringify({ ready: first.peer !== null, auth: first.auth }));
  if (!first.peer) return;
  let isStopped = false;
  for await (const command of console) {
    if (command === "stop") isStopped = true;
    if (command !== "baseline" && command !== "attack") continue;
    isStopped = false;
    // Not awaited: a `stop` line must be read while the measurement runs.
    void (async () => {
      const fresh = command === "attack" ? await timedAuth(plan) : { peer: null, auth: "" };
      const peer = fresh.peer ?? first.peer!;
      const result = await sample(peer, plan, () => isStopped);
      const auth = command === "baseline" ? first.auth : fresh.auth;
      console.log(JSON.stringify({ ...result, auth } satisfies PhaseResult));
    })();
  }
}

if (import.meta.main) await victimMain();
