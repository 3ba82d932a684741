/**
 * Speaking our protocol over raw connections, for the setup phases of the benchmarks
 * (register, log in, authenticate, create and join rooms). The hot loops never decode.
 */
import { RawWs } from "./raw-ws.ts";

let nextId = 0;

/** Send one request and wait for the frame that answers it (`replyTo`); throws on `error`. */
export function request(
  ws: RawWs,
  body: Record<string, unknown>,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const id = `b${++nextId}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.counter.listener = null;
      reject(new Error(`no reply to ${String(body.type)} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.counter.listener = (text) => {
      const msg = JSON.parse(text) as Record<string, unknown>;
      if (msg.replyTo !== id) return;
      clearTimeout(timer);
      ws.counter.listener = null;
      if (msg.type === "error") {
        reject(new Error(`${String(body.type)}: ${String(msg.code)}: ${String(msg.message)}`));
      } else resolve(msg);
    };
    ws.sendText(JSON.stringify({ ...body, id }));
  });
}

/** The password every benchmark account uses. */
export const BENCH_PASSWORD = "bench-password-1";

/** Sign in with the benchmark password on a fresh connection (`register` or `login`). */
async function signIn(
  type: "register" | "login",
  host: string,
  port: number,
  user: string,
): Promise<{ ws: RawWs; token: string }> {
  const ws = await RawWs.connect(host, port);
  const reply = await request(ws, { type, user, password: BENCH_PASSWORD, mode: "listen" });
  return { ws, token: String(reply.token) };
}

/** Register a user on a fresh connection; returns the connection and the session token. */
export function registerUser(host: string, port: number, user: string) {
  return signIn("register", host, port, user);
}

/** Log in (password) on a fresh connection. */
export function loginUser(host: string, port: number, user: string) {
  return signIn("login", host, port, user);
}

/** Authenticate with a token on a fresh connection. */
export async function authConnection(
  host: string,
  port: number,
  token: string,
  mode: "listen" | "oneshot" = "listen",
): Promise<RawWs> {
  const ws = await RawWs.connect(host, port);
  await request(ws, { type: "auth", token, mode });
  return ws;
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** A short random tag that keeps names unique across runs on one data folder. */
export function runTag(): string {
  return Math.random().toString(36).slice(2, 8);
}
