/** Section 3: many authenticated connections, their memory, and one message to all. */
import { join } from "node:path";
import type { ServerKind } from "../lib/servers.ts";
import { tempDir } from "../lib/servers.ts";
import { runLoadgen } from "../lib/runner.ts";
import { startServer } from "../lib/servers.ts";
import { atMost, mb, median, num, ratio, type Section } from "../lib/report.ts";
import type { ConnectionsResult } from "../scenarios/connections.ts";
import { haveOurs, LABEL, oneLine, type Params, progress, rotate, withServer } from "./common.ts";

const ROOM = "everyone";
const RSS_LIMIT = 250e6;

/** Run the connections benchmark. */
export async function connectionsSection(p: Params): Promise<Section> {
  const { count, concurrency } = p.connections;
  const kinds: ServerKind[] = haveOurs() ? ["ours", "bare"] : ["bare"];
  const dataDir = tempDir("conns");
  const tokensFile = join(tempDir("tokens"), "tokens.json");
  const base = { scenario: "connections", count, concurrency, tokensFile, room: ROOM };
  const notes: string[] = [];
  if (haveOurs()) {
    progress(`connections: registering ${num(count)} users`);
    const server = await startServer("ours", { dataDir });
    try {
      const reg = await runLoadgen<ConnectionsResult>({
        ...base,
        phase: "register",
        kind: "ours",
        host: "127.0.0.1",
        port: server.port,
        serverPid: server.pid,
      });
      notes.push(
        `Setting up: ${num(count)} accounts registered and joined to one room over the ` +
          `protocol in ${num(reg.connectSeconds, 1)} s ` +
          `(${num(count / reg.connectSeconds)} registrations/s with cheap test hashing).`,
      );
    } finally {
      await server.stop();
    }
  }
  const runs = new Map<ServerKind, ConnectionsResult[]>(kinds.map((k) => [k, []]));
  for (let rep = 0; rep < p.reps; rep++) {
    for (const kind of rotate(kinds, rep)) {
      progress(`connections rep ${rep + 1}/${p.reps}: ${kind}`);
      try {
        const { result } = await withServer<ConnectionsResult>(
          kind,
          { ...base, phase: "auth" },
          { dataDir: kind === "ours" ? dataDir : undefined },
        );
        runs.get(kind)!.push(result);
      } catch (err) {
        notes.push(`Run ${rep + 1} of ${kind} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (k: ServerKind, f: (r: ConnectionsResult) => number): number =>
    median((runs.get(k) ?? []).map(f));
  const rows = kinds.map((k) => [
    LABEL[k],
    num(med(k, (r) => r.count)),
    `${num(
      med(k, (r) => r.connectSeconds),
      2,
    )} s`,
    mb(med(k, (r) => r.rssBefore)),
    mb(med(k, (r) => r.rssAfter)),
    num(med(k, (r) => r.bytesPerConnection)),
    `${num(
      med(k, (r) => r.messageMs),
      1,
    )} ms`,
  ]);
  const oursRss = med("ours", (r) => r.rssAfter);
  const perConn = (k: ServerKind): number => med(k, (r) => r.bytesPerConnection);
  return {
    title: "Connections",
    method:
      `${num(count)} connections from one load-generator process (${concurrency} handshakes ` +
      `in flight). Ours: each connection authenticates with a saved session token (\`auth\`), ` +
      `which also subscribes it to its rooms; all ${num(count)} users are members of one room. ` +
      `Bare Bun: plain connections subscribed to one topic. Server RSS from /proc before the ` +
      `first connection and 0.5 s after the last; one message is then sent to the room of all ` +
      `of them and timed until every connection has it. Median of ${p.reps} runs, fresh ` +
      `server each run.`,
    header: [
      "server",
      "connections",
      "connect + auth all",
      "RSS before",
      "RSS after",
      "bytes/connection",
      "one message to all",
    ],
    rows,
    ratios: [
      `memory per connection, ours / bare Bun = ${ratio(perConn("ours"), perConn("bare"))} ` +
        `(${num(perConn("ours"))} vs ${num(perConn("bare"))} bytes)`,
    ],
    targets: [
      atMost(`RSS with ${num(count)} connections`, "<= 250 MB", oursRss, RSS_LIMIT, mb(oursRss)),
    ],
    notes,
  };
}
