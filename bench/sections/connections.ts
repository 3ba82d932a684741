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

interface Case {
  label: string;
  kind: ServerKind;
  mode: "listen" | "oneshot";
}
const RSS_LIMIT = 250e6;

/** Run the connections benchmark. */
export async function connectionsSection(p: Params): Promise<Section> {
  const { count, concurrency } = p.connections;
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
  const cases: Case[] = [
    ...(haveOurs()
      ? [
          { label: `${LABEL.ours}, \`auth\` as one-shot`, kind: "ours", mode: "oneshot" } as const,
          { label: `${LABEL.ours}, \`auth\` as listen`, kind: "ours", mode: "listen" } as const,
        ]
      : []),
    { label: LABEL.bare, kind: "bare", mode: "oneshot" },
  ];
  const runs = new Map<Case, ConnectionsResult[]>(cases.map((c) => [c, []]));
  for (let rep = 0; rep < p.reps; rep++) {
    for (const c of rotate(cases, rep)) {
      progress(`connections rep ${rep + 1}/${p.reps}: ${c.label}`);
      try {
        const { result } = await withServer<ConnectionsResult>(
          c.kind,
          { ...base, phase: "auth", mode: c.mode },
          { dataDir: c.kind === "ours" ? dataDir : undefined },
        );
        runs.get(c)!.push(result);
      } catch (err) {
        notes.push(`Run ${rep + 1} of ${c.label} failed: ${oneLine(err)}`);
      }
    }
  }
  const med = (c: Case | undefined, f: (r: ConnectionsResult) => number): number =>
    c ? median((runs.get(c) ?? []).map(f)) : NaN;
  const rows = cases.map((c) => [
    c.label,
    num(med(c, (r) => r.count)),
    `${num(
      med(c, (r) => r.connectSeconds),
      2,
    )} s`,
    mb(med(c, (r) => r.rssBefore)),
    mb(med(c, (r) => r.rssAfter)),
    num(med(c, (r) => r.bytesPerConnection)),
    `${num(
      med(c, (r) => r.messageMs),
      1,
    )} ms`,
  ]);
  const [oneshot, listen] = haveOurs() ? cases : [];
  const bare = cases[cases.length - 1];
  const oursRss = Math.max(
    med(oneshot, (r) => r.rssAfter),
    med(listen, (r) => r.rssAfter),
  );
  const perConn = (c: Case | undefined): number => med(c, (r) => r.bytesPerConnection);
  const listenRatio = med(listen, (r) => r.connectSeconds) / med(oneshot, (r) => r.connectSeconds);
  return {
    title: "Connections",
    method:
      `${num(count)} connections from one load-generator process (${concurrency} handshakes ` +
      `in flight). Ours: each connection authenticates with a saved session token (\`auth\`), ` +
      `which also subscribes it to its rooms; all ${num(count)} users are members of one room. ` +
      `As \`listen\`, each user comes online and that is announced to the room: each member ` +
      `is told of everyone who arrives after it (n(n-1)/2 names in all), in one presence event ` +
      `per room and window (100 ms, at most 200 names an event), the cost of the protocol ` +
      `rather than of the connections; as one-shot (no presence) it measures the connections ` +
      `themselves. ` +
      `The RSS target is checked on the larger of the two. ` +
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
      `memory per connection, ours / bare Bun = ${ratio(perConn(oneshot), perConn(bare))} ` +
        `(${num(perConn(oneshot))} vs ${num(perConn(bare))} bytes)`,
      `connect + authenticate ${num(count)}, ours (one-shot) / bare connect = ` +
        `${ratio(
          med(oneshot, (r) => r.connectSeconds),
          med(bare, (r) => r.connectSeconds),
        )}`,
    ],
    targets: [
      atMost(`RSS with ${num(count)} connections`, "<= 250 MB", oursRss, RSS_LIMIT, mb(oursRss)),
      atMost(
        `${num(count)} connections online as listen / as one-shot`,
        "<= 2x",
        listenRatio,
        2,
        ratio(
          med(listen, (r) => r.connectSeconds),
          med(oneshot, (r) => r.connectSeconds),
        ),
      ),
    ],
    notes,
  };
}
