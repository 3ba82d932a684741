/**
 * The one teardown of the test files that start servers (as socket.io's test/support/util.ts
 * is): what a test opened is closed and what it started is stopped after it, whether it
 * passed or failed, so no file repeats the preamble.
 */
import type { Subprocess } from "bun";
import { afterAll, afterEach, beforeAll, beforeEach, setDefaultTimeout } from "bun:test";
import { restartServer, startServer, type StartOptions, type TestServer } from "./server.ts";

/** Something the teardown ends: a connection (`close`) or a process (`stop`). */
export type Closable = { close(): unknown } | { stop(): unknown };

/** Options of useServer. */
export interface UseServerOptions {
  /** One server for the whole file, started before its first test (default: each test starts its own). */
  isPerFile?: boolean;
  /** Each test's time limit; real processes on a busy machine need more than 5 s (default 30 s). */
  timeoutMs?: number;
  /** Options of every server this file starts (a test's `args` are added to these). */
  start?: StartOptions;
}

/** The servers and clients of a test file, and their teardown. */
export class ServerHarness {
  readonly #defaults: StartOptions;
  readonly #tracked: (() => unknown)[] = [];
  readonly #servers: TestServer[] = [];
  // How many tracked things and servers belong to the whole file (made before its first test).
  #fileTracked = 0;
  #fileServers = 0;
  #fileServer: TestServer | null = null;

  /** Servers start with `defaults`. */
  constructor(defaults: StartOptions = {}) {
    this.#defaults = defaults;
  }

  /** The file's server (see startForFile), else the one started last; throws when none is. */
  get server(): TestServer {
    const server = this.#fileServer ?? this.#servers.at(-1);
    if (!server) throw new Error("no server: call start() first");
    return server;
  }

  /** Start the server the whole file shares: `server` from now on, whatever else starts. */
  async startForFile(): Promise<TestServer> {
    this.#fileServer = await this.start();
    return this.#fileServer;
  }

  /** Start a server (stopped by the teardown). */
  async start(opts: StartOptions = {}): Promise<TestServer> {
    const args = [...(this.#defaults.args ?? []), ...(opts.args ?? [])];
    return this.#adopt(await startServer({ ...this.#defaults, ...opts, args }));
  }

  /**
   * Start a stopped server again, on its port with its data folder (stopped by the teardown);
   * the file's server restarted stays the file's server.
   */
  async restart(stopped: TestServer, opts: StartOptions = {}): Promise<TestServer> {
    const args = [...(this.#defaults.args ?? []), ...(opts.args ?? [])];
    const server = await restartServer(stopped, { ...this.#defaults, ...opts, args });
    if (stopped !== this.#fileServer) return this.#adopt(server);
    // The file's server came back: it stays the file's, for the tests after this one.
    const at = this.#servers.indexOf(stopped);
    if (at >= 0) this.#servers[at] = server;
    this.#fileServer = server;
    return server;
  }

  /** Have the teardown close or stop `thing` (and `more`), newest first; returns `thing`. */
  track<T extends Closable>(thing: T, ...more: Closable[]): T {
    for (const t of [thing, ...more]) {
      this.#tracked.push(() => ("close" in t ? t.close() : t.stop()));
    }
    return thing;
  }

  /** Have the teardown send `p` a signal (SIGKILL unless told) and wait for its exit. */
  trackProcess(p: Subprocess, signal: NodeJS.Signals = "SIGKILL"): Subprocess {
    this.track({
      stop: async () => {
        if (p.exitCode === null && p.signalCode === null) p.kill(signal);
        await p.exited;
      },
    });
    return p;
  }

  /** Close what this test tracked so far, newest first (before it stops a server itself). */
  async closeTracked(): Promise<void> {
    await settleAll(this.#tracked.splice(this.#fileTracked).reverse());
  }

  /** The teardown: close everything tracked, then stop every server, newest first. */
  async cleanUp(): Promise<void> {
    this.#fileTracked = 0;
    this.#fileServers = 0;
    this.#fileServer = null;
    await this.endTest();
  }

  /** A test begins: what was tracked and started before it belongs to the file. */
  beginTest(): void {
    this.#fileTracked = this.#tracked.length;
    this.#fileServers = this.#servers.length;
  }

  /** A test ended: close what it tracked and stop what it started, newest first. */
  async endTest(): Promise<void> {
    const servers = this.#servers.splice(this.#fileServers).reverse();
    await settleAll([
      ...this.#tracked.splice(this.#fileTracked).reverse(),
      ...servers.map((s) => () => s.stop()),
    ]);
  }

  #adopt(server: TestServer): TestServer {
    this.#servers.push(server);
    return server;
  }
}

/**
 * The servers and clients of this test file with one shared teardown, run after each test.
 * With `isPerFile`, `server` is the file's one server, stopped after its last test with what
 * was tracked before the first; what a test tracks or starts still ends after that test.
 */
export function useServer(opts: UseServerOptions = {}): ServerHarness {
  setDefaultTimeout(opts.timeoutMs ?? 30_000);
  const harness = new ServerHarness(opts.start);
  if (opts.isPerFile) {
    beforeAll(async () => {
      await harness.startForFile();
    });
    beforeEach(() => harness.beginTest());
    afterEach(() => harness.endTest());
    afterAll(() => harness.cleanUp());
  } else {
    afterEach(() => harness.cleanUp());
  }
  return harness;
}

// Run every step, one after the other, even when one fails; then throw the first failure.
async function settleAll(steps: (() => unknown)[]): Promise<void> {
  let failure: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== null) throw failure;
}
