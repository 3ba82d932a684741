/**
 * Fan-out, closed loop: every client of one room sends a burst of short messages; the next
 * round starts once every delivery of the round has arrived. Reports deliveries per second.
 */
import { maskedTextFrame } from "../../tests/helpers/raw-frames.ts";
import { repeatFrame } from "../lib/raw-ws.ts";
import { BYTE_M, closeAll, CpuWindow, joinRoom, type Target, TYPE_BYTE_OFFSET } from "./room.ts";

/** Configuration of one fan-out run. */
export interface FanoutConfig extends Target {
  clients: number;
  perRound: number;
  warmupRounds: number;
  minRounds: number;
  maxRounds: number;
  minSeconds: number;
  /** Pad the text so that each frame is as large as one of our `message` events. */
  sized?: boolean;
}

/** What one fan-out run measured. */
export interface FanoutResult {
  deliveriesPerSec: number;
  rounds: number;
  deliveries: number;
  acks: number;
  seconds: number;
  serverCpu: number;
  clientCpu: number;
  /** Payload bytes of one delivery. */
  frameBytes: number;
}

const ROUND_TIMEOUT_MS = 120_000;

/** Run the fan-out scenario. */
export async function fanoutScenario(cfg: FanoutConfig): Promise<FanoutResult> {
  const { clients, room } = await joinRoom(cfg, cfg.clients);
  const ours = cfg.kind === "ours";
  for (const ws of clients) {
    if (ours) {
      ws.counter.classifyOffset = TYPE_BYTE_OFFSET;
      ws.counter.classifyByte = BYTE_M;
    }
  }
  const words = "hello from the fan-out bench";
  // Our room names are "r" and 6 characters, user names "u", the same 6, "-" and the index.
  const event = ourMessageEvent("rxxxxxx", words).length;
  const plain = JSON.stringify({ type: "send", room, text: words });
  const text = cfg.sized
    ? JSON.stringify({
        type: "send",
        room,
        text: words.padEnd(words.length + event - plain.length, "."),
      })
    : plain;
  const burst = repeatFrame(maskedTextFrame(text), cfg.perRound);
  const perClientDeliveries = cfg.clients * cfg.perRound;

  const round = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let pending = clients.length;
      const timer = setTimeout(
        () => reject(new Error(`round not complete after ${ROUND_TIMEOUT_MS} ms`)),
        ROUND_TIMEOUT_MS,
      );
      for (const ws of clients) {
        const c = ws.counter;
        const deliveries0 = ours ? c.marked : c.frames;
        const others0 = c.frames - c.marked;
        const done = (): boolean =>
          (ours ? c.marked : c.frames) - deliveries0 >= perClientDeliveries &&
          (!ours || c.frames - c.marked - others0 >= cfg.perRound);
        ws.onData = () => {
          if (!done()) return;
          ws.onData = null;
          if (--pending === 0) {
            clearTimeout(timer);
            resolve();
          }
        };
        ws.onClose = () => reject(new Error("the server closed a connection"));
      }
      for (const ws of clients) ws.write(burst);
    });

  for (let i = 0; i < cfg.warmupRounds; i++) await round();
  const cpu = new CpuWindow(cfg.serverPid);
  let rounds = 0;
  const t0 = performance.now();
  while (
    rounds < cfg.minRounds ||
    (rounds < cfg.maxRounds && performance.now() - t0 < cfg.minSeconds * 1000)
  ) {
    await round();
    rounds++;
  }
  const usage = cpu.end();
  closeAll(clients);
  const deliveries = rounds * clients.length * perClientDeliveries;
  return {
    deliveriesPerSec: deliveries / usage.seconds,
    rounds,
    deliveries,
    acks: ours ? rounds * clients.length * cfg.perRound : 0,
    frameBytes: ours ? event : text.length,
    ...usage,
  };
}

/** What our server delivers for one message (same fields and sizes as a real event). */
function ourMessageEvent(room: string, text: string): string {
  return JSON.stringify({
    type: "message",
    id: Bun.randomUUIDv7(),
    room,
    from: `u${room.slice(1)}-31`,
    text,
    ts: new Date().toISOString(),
  });
}
