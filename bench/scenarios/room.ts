/**
 * Putting N load-generator connections in one room on any of the three servers, and the
 * CPU bookkeeping every scenario reports.
 */
import { pool, registerUser, request, runTag } from "../lib/chat.ts";
import { cpuSeconds } from "../../tests/helpers/process.ts";
import { RawWs } from "../lib/raw-ws.ts";

/** Which server the load generator talks to. */
export type Kind = "ours" | "bare" | "node";

/** What every load-generator scenario is told about its server. */
export interface Target {
  kind: Kind;
  host: string;
  port: number;
  /** The server's process, or every process of a cluster (their CPU is added up). */
  serverPid: number | number[];
  /** Where the first client (the latency receiver) connects instead of `port`, when set. */
  receiverPort?: number;
}

/** N connections that are all in one room; `room` is its name on our server. */
export interface RoomClients {
  clients: RawWs[];
  room: string;
}

/** Offset of the byte that tells `{"type":"message"...` from `{"type":"sent"...`. */
export const TYPE_BYTE_OFFSET = 9;
/** 'm', the first letter of "message". */
export const BYTE_M = 0x6d;
/** 's', the first letter of "sent". */
export const BYTE_S = 0x73;

/** Connect `n` clients; on our server each registers a user and joins one open room. */
export async function joinRoom(t: Target, n: number): Promise<RoomClients> {
  if (t.kind !== "ours") {
    const clients = await pool(
      Array.from({ length: n }, (_, i) => i),
      64,
      () => RawWs.connect(t.host, t.port),
    );
    return { clients, room: "bench" };
  }
  const tag = runTag();
  const room = `r${tag}`;
  const users = Array.from({ length: n }, (_, i) => `u${tag}-${i}`);
  const clients = await pool(
    users,
    32,
    async (user, i) =>
      (await registerUser(t.host, i === 0 ? (t.receiverPort ?? t.port) : t.port, user)).ws,
  );
  await request(clients[0]!, { type: "create", room, open: true, visible: true });
  await pool(clients.slice(1), 32, (ws) => request(ws, { type: "join", room }));
  // Let join notices and presence events settle before anything is measured.
  await Bun.sleep(200);
  return { clients, room };
}

/** CPU seconds of the server and of this process, for a measured window. */
export class CpuWindow {
  #server0: number;
  #self0: number;
  #t0 = performance.now();
  #pids: number[];
  constructor(serverPid: number | number[]) {
    this.#pids = typeof serverPid === "number" ? [serverPid] : serverPid;
    this.#server0 = this.#serverSeconds();
    this.#self0 = cpuSeconds(process.pid);
  }

  /** CPU use over the window, as a fraction of one core. */
  end(): { seconds: number; serverCpu: number; clientCpu: number } {
    const seconds = (performance.now() - this.#t0) / 1000;
    // /proc counts in 10 ms ticks: too coarse for a window shorter than half a second.
    if (seconds < 0.5) return { seconds, serverCpu: NaN, clientCpu: NaN };
    return {
      seconds,
      serverCpu: (this.#serverSeconds() - this.#server0) / seconds,
      clientCpu: (cpuSeconds(process.pid) - this.#self0) / seconds,
    };
  }

  #serverSeconds(): number {
    return this.#pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }
}

/** Close every connection. */
export function closeAll(clients: RawWs[]): void {
  for (const ws of clients) ws.close();
}
