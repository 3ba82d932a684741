/**
 * Attacks on the front door: password work asked for in bulk, as many sockets as one
 * account can hold, and wrong passwords from an address that is already limited.
 */
import { Peer, sleep, Tally } from "./attack-peer.ts";
import { Crew, PASSWORD, waitIfLimited } from "./attack-plan.ts";
import type { Attack, RunningAttack } from "./attack-plan.ts";

/** Shorten an upgrade refusal ("HTTP/1.1 429 Too Many Requests" -> "HTTP 429"). */
function short(refusal: string): string {
  return refusal.replace(/^HTTP\/1\.1 (\d+).*$/, "HTTP $1");
}

/** 6: pipelined correct `passwd` frames from one socket, and correct logins in a loop. */
export const passwordWork: Attack = {
  name: "passwd-login",
  what: "pipelined correct `passwd` frames from one socket, and two loops of correct logins",
  async start(ctx): Promise<RunningAttack> {
    const crew = new Crew(ctx.scale.attackMs);
    const changer = await Peer.authed(ctx.port, ctx.seed.tokens.changer);
    if (typeof changer === "string") throw new Error(`changer was refused: ${changer}`);
    crew.keep(changer);
    const passwd = new Tally();
    crew.run(async () => {
      // Bursts of pipelined frames, the next as soon as the last is answered.
      while (!crew.isOver && !changer.closed) {
        const burst = Array.from({ length: ctx.scale.passwdFrames }, () =>
          changer.call({ type: "passwd", old: PASSWORD, new: PASSWORD }),
        );
        const replies = await Promise.all(burst);
        for (const reply of replies) crew.record(passwd, reply);
        // Then as soon as the server allows more: what gets the most password work done.
        const limited = replies.filter((r) => r.code === "rate_limited");
        if (limited.length > 0) await waitIfLimited(limited.at(-1)!);
      }
    });
    const logins = new Tally();
    let left = ctx.scale.logins;
    for (let loop = 0; loop < 2; loop++) {
      crew.run(async () => {
        while (!crew.isOver && left-- > 0) {
          const peer = await Peer.open(ctx.port);
          if (typeof peer === "string") {
            logins.add(short(peer));
            await sleep(100);
            continue;
          }
          crew.keep(peer);
          const reply = await peer.call({ type: "login", user: "looper", password: PASSWORD });
          crew.record(logins, reply);
          peer.close();
          await waitIfLimited(reply);
        }
      });
    }
    return {
      finished: new Promise(() => {}),
      async stop() {
        await crew.stop();
        return `passwd: ${passwd}; logins: ${logins}`;
      },
    };
  },
};

async function healthMs(port: number): Promise<string> {
  const t0 = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(5000),
    });
    await res.text();
    return `GET /health ${res.status} in ${(performance.now() - t0).toFixed(1)} ms`;
  } catch (err) {
    return `GET /health failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** 7: one account opens as many authenticated sockets as it can, and holds them. */
export const manySockets: Attack = {
  name: "sockets",
  what: "one account opens as many authenticated sockets as it can (at most the scale's cap)",
  async start(ctx): Promise<RunningAttack> {
    const crew = new Crew(ctx.scale.attackMs);
    const tally = new Tally();
    let next = 0;
    for (let w = 0; w < 50; w++) {
      crew.run(async () => {
        while (next++ < ctx.scale.sockets && !crew.isOver) {
          const peer = await Peer.authed(ctx.port, ctx.seed.tokens.opener, "listen");
          if (typeof peer === "string") tally.add(`refused: ${short(peer)}`);
          else {
            crew.keep(peer);
            tally.add("open");
          }
        }
      });
    }
    return {
      // The sockets are held until the measurement ends.
      finished: new Promise(() => {}),
      async stop() {
        const health = await healthMs(ctx.port);
        await crew.stop();
        return `${ctx.scale.sockets.toLocaleString("en-US")} tried: ${tally}; ${health}`;
      },
    };
  },
};

/** 12: unauthenticated sockets sending wrong passwords while the address is limited. */
export const badLogins: Attack = {
  name: "bad-logins",
  what: "unauthenticated sockets send wrong passwords in a loop while the address is limited",
  async start(ctx): Promise<RunningAttack> {
    const crew = new Crew(ctx.scale.attackMs);
    const tally = new Tally();
    const wrong = { type: "login", user: "guessed", password: "wrong-password" };
    let reopens = ctx.scale.badLoginSockets * 10;
    for (let s = 0; s < ctx.scale.badLoginSockets; s++) {
      crew.run(async () => {
        let peer: Peer | null = null;
        while (!crew.isOver) {
          if (peer === null || peer.closed) {
            if (peer !== null && reopens-- <= 0) return;
            const next = await Peer.open(ctx.port);
            if (typeof next === "string") {
              tally.add(`reconnect refused: ${short(next)}`);
              await sleep(100);
              continue;
            }
            peer = crew.keep(next);
          }
          // No waiting: this attacker does not care what it is told.
          crew.record(tally, await peer.call(wrong));
        }
      });
    }
    return {
      finished: new Promise(() => {}),
      async stop() {
        await crew.stop();
        return `${ctx.scale.badLoginSockets} sockets: ${tally}`;
      },
    };
  },
};
