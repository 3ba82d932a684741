/**
 * Soak run: `bun scripts/soak.ts [--clients N] [--minutes M] [--per-minute R] [--room-size S]
 * [--report-every SECONDS]`.
 *
 * Starts a fresh server (durable storage on, rate limits off), connects N clients (default
 * 1,000) in rooms of S members (default 50), and lets each send R messages a minute (default
 * 6, at random moments) for M minutes (default 10). Every message carries its send time;
 * receivers measure delivery latency. Prints, per period and at the end: messages, deliveries,
 * missing deliveries, latency p50/p99/max, and the server's RSS (every --report-every
 * seconds, default 60). Stops by itself.
 */
import { parseArgs } from "node:util";
import { mulberry32 } from "../tests/fuzz/frames.ts";
import { mib, rssBytes } from "../tests/helpers/process.ts";
import { startServer } from "../tests/helpers/server.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "1000" },
    minutes: { type: "string", default: "10" },
    "per-minute": { type: "string", default: "6" },
    "room-size": { type: "string", default: "50" },
    "report-every": { type: "string", default: "60" },
    seed: { type: "string", default: "1" },
  },
});
const CLIENTS = Number(values.clients);
const MINUTES = Number(values.minutes);
const PER_MINUTE = Number(values["per-minute"]);
const ROOM_SIZE = Number(values["room-size"]);
const REPORT_MS = Number(values["report-every"]) * 1000;
const rand = mulberry32(Number(values.seed));

// Hard stop: whatever happens, the run ends.
const deadline = setTimeout(
  () => {
    console.error("soak: hard deadline reached; exiting");
    process.exit(2);
  },
  (MINUTES + 3) * 60_000,
);
deadline.unref();

interface Window {
  sent: number;
  acked: number;
  delivered: number;
  latencies: number[];
  ackLatencies: number[];
  errors: number;
}

function newWindow(): Window {
  return { sent: 0, acked: 0, delivered: 0, latencies: [], ackLatencies: [], errors: 0 };
}

let window = newWindow();
const total = newWindow();
let expectedDeliveries = 0;
let closedUnexpectedly = 0;
let isStopping = false;

/** One soak client: a WebSocket with request/reply by id. */
class Client {
  readonly ws: WebSocket;
  readonly name: string;
  readonly room: string;
  #pending = new Map<string, (m: Record<string, unknown>) => void>();
  #seq = 0;

  constructor(url: string, name: string, room: string) {
    this.name = name;
    this.room = room;
    this.ws = new WebSocket(url);
    this.ws.addEventListener("message", (ev) => this.#onMessage(String(ev.data)));
    this.ws.addEventListener("close", () => {
      if (!isStopping) closedUnexpectedly++;
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.addEventListener("open", () => resolve(), { once: true });
      this.ws.addEventListener("error", () => reject(new Error("cannot connect")), { once: true });
    });
  }

  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = `${++this.#seq}`;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ ...msg, id }));
    });
  }

  async ok(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.request(msg);
    if (reply.type === "error") throw new Error(`${String(msg.type)}: ${String(reply.message)}`);
    return reply;
  }

  #onMessage(text: string): void {
    const m = JSON.parse(text) as Record<string, unknown>;
    if (typeof m.replyTo === "string") {
      const resolve = this.#pending.get(m.replyTo);
      this.#pending.delete(m.replyTo);
      resolve?.(m);
      return;
    }
    if (m.type === "message" && typeof m.text === "string") {
      const sentAt = Number(m.text.split(" ", 1)[0]);
      const latency = performance.now() - sentAt;
      window.delivered++;
      total.delivered++;
      window.latencies.push(latency);
    }
  }

  /** Send one message carrying its send time; count the ack. */
  async chat(): Promise<void> {
    const start = performance.now();
    window.sent++;
    total.sent++;
    const reply = await this.request({
      type: "send",
      room: this.room,
      text: `${start} soak message from ${this.name}`,
    });
    if (reply.type === "sent") {
      window.acked++;
      total.acked++;
      window.ackLatencies.push(performance.now() - start);
    } else {
      window.errors++;
      total.errors++;
    }
  }
}

function pct(sorted: number[], p: number): string {
  if (sorted.length === 0) return "-";
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1);
}

function summary(w: Window): string {
  const lat = [...w.latencies].sort((a, b) => a - b);
  const ack = [...w.ackLatencies].sort((a, b) => a - b);
  return (
    `sent ${w.sent}, acked ${w.acked}, errors ${w.errors}, delivered ${w.delivered}; ` +
    `delivery ms p50 ${pct(lat, 0.5)} p99 ${pct(lat, 0.99)} max ${pct(lat, 1)}; ` +
    `ack ms p50 ${pct(ack, 0.5)} p99 ${pct(ack, 0.99)}`
  );
}

const server = await startServer();
const pid = server.proc.pid;
const rooms = Math.ceil(CLIENTS / ROOM_SIZE);
console.log(
  `soak: ${CLIENTS} clients, ${rooms} rooms of up to ${ROOM_SIZE}, ${PER_MINUTE} messages ` +
    `per client per minute, ${MINUTES} min, server ${server.url}`,
);
const clients: Client[] = [];
try {
  const setupStart = performance.now();
  for (let i = 0; i < CLIENTS; i += 50) {
    const batch: Client[] = [];
    for (let j = i; j < Math.min(CLIENTS, i + 50); j++) {
      batch.push(new Client(server.url, `u${j}`, `room${j % rooms}`));
    }
    await Promise.all(batch.map((c) => c.opened()));
    await Promise.all(
      batch.map((c) =>
        c.ok({ type: "register", user: c.name, password: "soak-password", mode: "listen" }),
      ),
    );
    for (const c of batch) {
      const reply = await c.request({ type: "create", room: c.room });
      if (reply.type === "error") await c.ok({ type: "join", room: c.room });
    }
    clients.push(...batch);
  }
  const members = new Map<string, number>();
  for (const c of clients) members.set(c.room, (members.get(c.room) ?? 0) + 1);
  console.log(
    `setup: ${clients.length} clients registered and joined in ` +
      `${((performance.now() - setupStart) / 1000).toFixed(1)} s; server RSS ${mib(rssBytes(pid))} MB`,
  );

  const end = Date.now() + MINUTES * 60_000;
  const meanGapMs = 60_000 / PER_MINUTE;
  const inFlight = new Set<Promise<void>>();
  const timers: ReturnType<typeof setTimeout>[] = [];
  const schedule = (c: Client) => {
    const gap = -Math.log(1 - rand()) * meanGapMs; // Poisson arrivals
    timers.push(
      setTimeout(() => {
        if (Date.now() >= end) return;
        expectedDeliveries += members.get(c.room) ?? 0;
        const p = c.chat().finally(() => inFlight.delete(p));
        inFlight.add(p);
        schedule(c);
      }, gap),
    );
  };
  for (const c of clients) schedule(c);

  const runStart = Date.now();
  while (Date.now() < end) {
    await Bun.sleep(Math.max(0, Math.min(REPORT_MS, end - Date.now())));
    const at = ((Date.now() - runStart) / 1000).toFixed(0);
    console.log(
      `t=${at}s: ${summary(window)}; server RSS ${mib(rssBytes(pid))} MB; ` +
        `closed ${closedUnexpectedly}`,
    );
    window = newWindow();
  }
  for (const t of timers) clearTimeout(t);
  await Promise.all(inFlight);
  await Bun.sleep(2000); // the last deliveries
  const missing = expectedDeliveries - total.delivered;
  console.log(`total: ${summary({ ...total, latencies: [], ackLatencies: [] })}`);
  console.log(
    `deliveries expected ${expectedDeliveries}, received ${total.delivered}, ` +
      `missing ${missing}; connections closed by the server ${closedUnexpectedly}; ` +
      `server RSS at end ${mib(rssBytes(pid))} MB`,
  );
  process.exitCode = missing === 0 && total.errors === 0 && closedUnexpectedly === 0 ? 0 : 1;
} finally {
  isStopping = true;
  for (const c of clients) c.ws.close();
  await server.stop();
}
process.exit(process.exitCode ?? 0);
