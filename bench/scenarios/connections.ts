/**
 * Connections: many authenticated connections to one server. Phase "register" creates the
 * accounts (once, untimed) and saves their tokens; phase "auth" connects and authenticates
 * them all (timed), reads the server's RSS, and times one message to a room of all of them.
 * On the bare Bun server, phase "auth" just connects (no accounts there).
 */
import { authConnection, pool, registerUser, request } from "../lib/chat.ts";
import { rssBytes } from "../../tests/helpers/process.ts";
import { RawWs } from "../lib/raw-ws.ts";
import { BYTE_M, closeAll, type Target, TYPE_BYTE_OFFSET } from "./room.ts";

/** Configuration of one connections run. */
export interface ConnectionsConfig extends Target {
  /** One server process: its memory is measured too. */
  serverPid: number;
  phase: "register" | "auth";
  count: number;
  tokensFile: string;
  room: string;
  concurrency: number;
  /** `listen` connections make their users online, which is announced to the room. */
  mode: "listen" | "oneshot";
}

/** What one connections run measured. */
export interface ConnectionsResult {
  count: number;
  connectSeconds: number;
  rssBefore: number;
  rssAfter: number;
  bytesPerConnection: number;
  messageMs: number;
}

/** Run one phase of the connections scenario. */
export async function connectionsScenario(cfg: ConnectionsConfig): Promise<ConnectionsResult> {
  if (cfg.phase === "register") return registerPhase(cfg);
  const rssBefore = rssBytes(cfg.serverPid) ?? NaN;
  const t0 = performance.now();
  let clients: RawWs[];
  if (cfg.kind === "ours") {
    const tokens = (await Bun.file(cfg.tokensFile).json()) as string[];
    clients = await pool(tokens.slice(0, cfg.count), cfg.concurrency, (token) =>
      authConnection(cfg.host, cfg.port, token, cfg.mode),
    );
  } else {
    clients = await pool(
      Array.from({ length: cfg.count }, (_, i) => i),
      cfg.concurrency,
      () => RawWs.connect(cfg.host, cfg.port),
    );
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  await Bun.sleep(500);
  const rssAfter = rssBytes(cfg.serverPid) ?? NaN;
  const messageMs = await oneMessage(cfg, clients);
  closeAll(clients);
  return {
    count: clients.length,
    connectSeconds,
    rssBefore,
    rssAfter,
    bytesPerConnection: (rssAfter - rssBefore) / clients.length,
    messageMs,
  };
}

async function registerPhase(cfg: ConnectionsConfig): Promise<ConnectionsResult> {
  const t0 = performance.now();
  const first = await registerUser(cfg.host, cfg.port, "c0");
  await request(first.ws, { type: "create", room: cfg.room, open: true, visible: true });
  first.ws.close();
  const names = Array.from({ length: cfg.count - 1 }, (_, i) => `c${i + 1}`);
  const rest = await pool(names, cfg.concurrency, async (name) => {
    const { ws, token } = await registerUser(cfg.host, cfg.port, name);
    await request(ws, { type: "join", room: cfg.room });
    ws.close();
    return token;
  });
  await Bun.write(cfg.tokensFile, JSON.stringify([first.token, ...rest]));
  return {
    count: cfg.count,
    connectSeconds: (performance.now() - t0) / 1000,
    rssBefore: NaN,
    rssAfter: rssBytes(cfg.serverPid) ?? NaN,
    bytesPerConnection: NaN,
    messageMs: NaN,
  };
}

/** Send one message to the room of all connections; milliseconds until every one has it. */
async function oneMessage(cfg: ConnectionsConfig, clients: RawWs[]): Promise<number> {
  const ours = cfg.kind === "ours";
  let pending = clients.length;
  let resolveAll!: () => void;
  const all = new Promise<void>((res) => (resolveAll = res));
  for (const ws of clients) {
    const c = ws.counter;
    if (ours) {
      c.classifyOffset = TYPE_BYTE_OFFSET;
      c.classifyByte = BYTE_M;
    }
    const base = ours ? c.marked : c.frames;
    ws.onData = () => {
      if ((ours ? c.marked : c.frames) > base) {
        ws.onData = null;
        if (--pending === 0) resolveAll();
      }
    };
  }
  const t0 = performance.now();
  clients[0]!.sendText(JSON.stringify({ type: "send", room: cfg.room, text: "hello, everyone" }));
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${pending} of ${clients.length} connections never got it`)),
      30_000,
    );
  });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
  return performance.now() - t0;
}
