/**
 * What the attack benchmark shares between its attacks: the two scales, the accounts and
 * rooms every attack starts from (made once, on a server without limits, then copied), and
 * the bookkeeping of a running attack (deadline, stop flag, sockets to close).
 */
import { BENCH_PASSWORD, registerUser, request } from "./chat.ts";
import { describe, sleep } from "./attack-peer.ts";
import type { Peer, Reply, Tally } from "./attack-peer.ts";
import { startServer, tempDir } from "./servers.ts";

/** How big the attacks are. */
export interface Scale {
  name: "small" | "full";
  /** Real password hashing (the cost is what the login attacks are about). */
  isPasswordCostReal: boolean;
  /** Victim: ping/send pairs per measurement, their spacing, and the longest measurement. */
  samples: number;
  intervalMs: number;
  maxMs: number;
  /** The longest any attack runs (it also stops when the victim's measurement ends). */
  attackMs: number;
  /** How long an attack runs before the victim connects again and measures. */
  warmupMs: number;
  rooms: number;
  roomsCreateMs: number;
  loopSockets: number;
  dms: number;
  denials: number;
  passwdFrames: number;
  logins: number;
  sockets: number;
  historyMessages: number;
  badLoginSockets: number;
}

/** The scales: `full` is the scale of the reported figures, `small` a few seconds' check. */
export const SCALES: Record<Scale["name"], Scale> = {
  full: {
    name: "full",
    isPasswordCostReal: true,
    samples: 200,
    intervalMs: 110,
    maxMs: 40_000,
    attackMs: 45_000,
    warmupMs: 2000,
    rooms: 30_000,
    roomsCreateMs: 15_000,
    loopSockets: 6,
    dms: 400,
    denials: 3000,
    passwdFrames: 60,
    logins: 2000,
    sockets: 2000,
    historyMessages: 200,
    badLoginSockets: 60,
  },
  small: {
    name: "small",
    isPasswordCostReal: false,
    samples: 6,
    intervalMs: 40,
    maxMs: 1500,
    attackMs: 2000,
    warmupMs: 100,
    rooms: 60,
    roomsCreateMs: 500,
    loopSockets: 6,
    dms: 30,
    denials: 20,
    passwdFrames: 6,
    logins: 10,
    sockets: 60,
    historyMessages: 10,
    badLoginSockets: 10,
  },
};

/** The accounts of the data set: the victim, and one (or two) per attack. */
export const USERS = [
  "victim",
  "roomer",
  "flooder",
  "absent",
  "admin",
  "requester",
  "changer",
  "looper",
  "opener",
  "reader",
  "guessed",
] as const;

/** One account of the data set. */
export type User = (typeof USERS)[number];

/** The data set every attack starts from. */
export interface Seed {
  dataDir: string;
  tokens: Record<User, string>;
}

/** The victim's room, the closed room of the denials, the room of the long history. */
export const ROOMS = { victim: "victim-room", closed: "club", history: "archive" } as const;

/** Text of `length` characters, varied so that nothing compresses it to nothing. */
export function filler(length: number, char = "x"): string {
  const unit = `${char.repeat(9)}${"0123456789"}`;
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/**
 * Make the data set: register every account, create the rooms and fill the history room,
 * with limits off so that this takes seconds; then stop the server. Tokens stay valid.
 */
export async function makeSeed(scale: Scale): Promise<Seed> {
  const dataDir = tempDir("seed");
  const server = await startServer("ours", {
    dataDir,
    isPasswordCostReal: scale.isPasswordCostReal,
  });
  try {
    const tokens = {} as Record<User, string>;
    for (const user of USERS) {
      const { ws, token } = await registerUser("127.0.0.1", server.port, user);
      tokens[user] = token;
      if (user === "victim") await request(ws, { type: "create", room: ROOMS.victim });
      if (user === "admin") await request(ws, { type: "create", room: ROOMS.closed, open: false });
      if (user === "reader") {
        await request(ws, { type: "create", room: ROOMS.history });
        const text = filler(4000);
        for (let i = 0; i < scale.historyMessages; i++) {
          await request(ws, {
            type: "send",
            room: ROOMS.history,
            text: `${i} ${text}`.slice(0, 4000),
          });
        }
      }
      ws.close();
    }
    return { dataDir, tokens };
  } finally {
    await server.stop();
  }
}

/** What an attack is given. */
export interface AttackContext {
  port: number;
  seed: Seed;
  scale: Scale;
}

/** An attack under way. */
export interface RunningAttack {
  /** Settles when the attack has nothing left to do (never, for one that holds or loops). */
  finished: Promise<unknown>;
  /** Stop, close the attacking sockets, and say what the server answered. */
  stop(): Promise<string>;
}

/** One attack of the benchmark. */
export interface Attack {
  name: string;
  /** One line: what the attacker does. */
  what: string;
  /** Do what comes before the measured part, then start the measured part and return. */
  start(ctx: AttackContext): Promise<RunningAttack>;
}

/** A running attack's bookkeeping: a deadline, a stop flag, its sockets and its loops. */
export class Crew {
  #deadline: number;
  #isStopped = false;
  #peers = new Set<Peer>();
  #loops: Promise<unknown>[] = [];

  /** An attack that may run for at most `maxMs`. */
  constructor(maxMs: number) {
    this.#deadline = performance.now() + maxMs;
  }

  /** True once stopped or past the deadline: every loop checks it. */
  get isOver(): boolean {
    return this.#isStopped || performance.now() > this.#deadline;
  }

  /** Count `reply` in `tally`, unless the attack was stopped (its sockets closed by us). */
  record(tally: Tally, reply: Reply): void {
    if (!this.#isStopped) tally.add(describe(reply));
  }

  /** Close `peer` when the attack stops. */
  keep<T extends Peer>(peer: T): T {
    this.#peers.add(peer);
    return peer;
  }

  /** Run `loop` as part of the attack. */
  run(loop: () => Promise<unknown>): void {
    this.#loops.push(loop());
  }

  /** Settles when every loop has ended. */
  get finished(): Promise<unknown> {
    return Promise.all(this.#loops);
  }

  /** Stop every loop and close every socket. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    for (const peer of this.#peers) peer.close();
    await Promise.all(this.#loops);
  }
}

/**
 * What an attacker that wants the most out of the server does with `rate_limited`: wait as
 * told (at most 2 s) and try again. Returns true when it waited.
 */
export async function waitIfLimited(reply: Reply): Promise<boolean> {
  if (reply.code !== "rate_limited") return false;
  await sleep(Math.min(reply.retryAfterMs ?? 100, 2000));
  return true;
}

/** The shared password of every account. */
export const PASSWORD = BENCH_PASSWORD;
