/**
 * Drives hostile frames over real connections and checks every answer.
 *
 * Each hostile frame is followed by a `ping` with an id. The frame's answer is every reply
 * (not event) the server sends before the pong, or the first one after it for requests that
 * wait on the disk or on password hashing. The checks:
 * - a frame the protocol parser rejects is answered with `error` / `bad_request`;
 * - every error has a known code (never `internal`), a short message without a stack;
 * - every frame from the server parses as a server message;
 * - the connection stays open (the pong arrives); when it closes, that is a finding.
 */
import { parseClientMessage, parseServerMessage } from "../../shared/parse.ts";
import { isErrorCode, type ClientMessage } from "../../shared/protocol.ts";
import { frameText, type Frame } from "./frames.ts";
import { REPLY_TYPES, Wire, type Received } from "./wire.ts";

/** Tallies of one run. */
export interface FuzzStats {
  frames: number;
  /** Frames the protocol parser rejected (all must have been answered `bad_request`). */
  parseRejected: number;
  /** Answers by kind: `error:<code>` or the reply type. */
  answers: Record<string, number>;
  /** Frames sent, by generator recipe. */
  byLabel: Record<string, number>;
  /** Connections the server closed, by close code. */
  closes: Record<string, number>;
  /** Everything that broke a rule; empty when all is well. */
  problems: string[];
}

/** A fresh, empty tally. */
export function emptyStats(): FuzzStats {
  return { frames: 0, parseRejected: 0, answers: {}, byLabel: {}, closes: {}, problems: [] };
}

function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

function localParse(frame: Frame): ClientMessage | null {
  try {
    return parseClientMessage(frameText(frame));
  } catch {
    return null;
  }
}

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

let pingSeq = 0;

/** The result of sending one frame. */
export interface FrameOutcome {
  /** The answer, or null when none came (a problem has been recorded). */
  answer: Received | null;
  /** The parsed frame, or null when the protocol parser rejects it. */
  parsed: ClientMessage | null;
  /** True when the connection closed (the caller must open a new one). */
  isClosed: boolean;
}

/**
 * Send one hostile frame on `wire`, wait for its answer and check it.
 * `noReply` lists frame types that are answered only when they carry an id.
 */
export async function sendHostile(
  wire: Wire,
  frame: Frame,
  stats: FuzzStats,
  noReply: ReadonlySet<string> = new Set(),
): Promise<FrameOutcome> {
  stats.frames++;
  bump(stats.byLabel, frame.label);
  const parsed = localParse(frame);
  if (parsed === null) stats.parseRejected++;
  const start = wire.received.length;
  const pingId = `fz${++pingSeq}`;
  const show = () => `[${frame.label}] ${frameText(frame).slice(0, 160)}`;
  wire.sendFrame(frame);
  wire.sendJson({ type: "ping", id: pingId });
  try {
    await wire.next((m) => m.type === "pong" && m.replyTo === pingId, 10_000);
  } catch (err) {
    const ev = wire.isClosed ? await wire.closed : null;
    if (ev) bump(stats.closes, String(ev.code));
    stats.problems.push(`${(err as Error).message} after ${show()}`);
    return { answer: null, parsed, isClosed: wire.isClosed };
  }
  const seen = wire.received.slice(start);
  let answer = seen.find((m) => REPLY_TYPES.has(m.type) && m.replyTo !== pingId) ?? null;
  const expectsReply =
    parsed === null || frame.kind === "binary" || !noReply.has(parsed.type) || !!parsed.id;
  if (answer === null && expectsReply) {
    // Requests that wait on the disk or on hashing answer after the pong.
    try {
      answer = await wire.next((m) => REPLY_TYPES.has(m.type), 10_000);
    } catch {
      stats.problems.push(`no answer to ${show()}`);
    }
  }
  for (const m of wire.received.slice(start)) checkServerFrame(m, stats, show);
  if (answer !== null) {
    bump(stats.answers, answer.type === "error" ? `error:${String(answer.code)}` : answer.type);
    if (parsed === null && frame.kind === "text" && answer.type !== "error") {
      stats.problems.push(`accepted (${answer.type}) a frame the parser rejects: ${show()}`);
    }
    if (parsed === null && answer.type === "error" && answer.code !== "bad_request") {
      stats.problems.push(`'${String(answer.code)}' instead of bad_request for ${show()}`);
    }
  }
  return { answer, parsed, isClosed: false };
}

/** Check one frame from the server: it parses, and an error is well-formed and not internal. */
function checkServerFrame(m: Received, stats: FuzzStats, show: () => string): void {
  if (m.type === "<not json>") {
    stats.problems.push(`server sent non-JSON after ${show()}`);
    return;
  }
  try {
    parseServerMessage(JSON.stringify(m));
  } catch (err) {
    stats.problems.push(`invalid server frame ${JSON.stringify(m).slice(0, 120)}: ${err}`);
  }
  // Names in replies are the stored, normalised ones.
  const names = [m.type === "joined" ? m.room : undefined, (m.room as { name?: unknown })?.name];
  for (const name of names) {
    if (name !== undefined && !(typeof name === "string" && NAME_RE.test(name))) {
      stats.problems.push(`${m.type} reply names room ${JSON.stringify(name)} after ${show()}`);
    }
  }
  if (m.type !== "error") return;
  if (!isErrorCode(m.code)) stats.problems.push(`unknown error code ${String(m.code)}`);
  if (m.code === "internal") stats.problems.push(`internal error after ${show()}`);
  const text = String(m.message);
  if (text.length === 0 || text.length > 300 || /\n\s+at /.test(text)) {
    stats.problems.push(`bad error text ${JSON.stringify(text.slice(0, 120))} after ${show()}`);
  }
}
