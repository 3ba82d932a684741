/**
 * Attacks by one ordinary account on the size of what the server stores and sends: many
 * rooms then `rooms` asked in a loop, DMs and join denials piled on others, and big history
 * pages asked in a loop.
 */
import { describe, Peer, Tally } from "./attack-peer.ts";
import { Crew, filler, ROOMS, waitIfLimited } from "./attack-plan.ts";
import type { Attack, AttackContext, RunningAttack, User } from "./attack-plan.ts";

/** Authenticate `user` or throw with the refusal (an attack needs its own account). */
async function authed(ctx: AttackContext, user: User, mode = "oneshot"): Promise<Peer> {
  const peer = await Peer.authed(ctx.port, ctx.seed.tokens[user], mode);
  if (typeof peer === "string") throw new Error(`${user} was refused: ${peer}`);
  return peer;
}

/**
 * `sockets` connections of `user` sending `body` in a loop, each waiting for its reply;
 * a closed connection is opened again (at most `sockets * 20` times).
 */
function requestLoop(ctx: AttackContext, crew: Crew, user: User, body: Record<string, unknown>) {
  const tally = new Tally();
  let largest = 0;
  let reopens = ctx.scale.loopSockets * 20;
  for (let s = 0; s < ctx.scale.loopSockets; s++) {
    crew.run(async () => {
      let peer: Peer | null = null;
      while (!crew.isOver) {
        if (peer === null || peer.closed) {
          if (peer !== null && reopens-- <= 0) return;
          const next = await Peer.authed(ctx.port, ctx.seed.tokens[user]);
          if (typeof next === "string") {
            tally.add(`reconnect refused: ${next}`);
            return;
          }
          peer = crew.keep(next);
        }
        const reply = await peer.call(body);
        crew.record(tally, reply);
        largest = Math.max(largest, reply.size);
        await waitIfLimited(reply);
      }
    });
  }
  return () => `${tally} (largest reply ${(largest / 1e6).toFixed(2)} MB)`;
}

async function createRooms(ctx: AttackContext): Promise<string> {
  const peer = await authed(ctx, "roomer");
  const topic = filler(200, "t");
  const t0 = performance.now();
  const isOver = () => performance.now() - t0 > ctx.scale.roomsCreateMs;
  let next = 0;
  let created = 0;
  let refusal = "";
  const tally = new Tally();
  // Sixteen creations in flight: each retried after `rate_limited`, until one is refused.
  const worker = async (): Promise<void> => {
    let room = ++next;
    while (room <= ctx.scale.rooms && refusal === "" && !isOver()) {
      const reply = await peer.call({ type: "create", room: `r${room}`, topic });
      tally.add(describe(reply));
      if (reply.type === "room") {
        created++;
        room = ++next;
      } else if (!(await waitIfLimited(reply))) {
        refusal = `room ${created + 1} refused: ${describe(reply)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  peer.close();
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  return `${created} rooms created in ${seconds} s${refusal ? `; ${refusal}` : ""} (${tally})`;
}

/** 1: one account creates many visible rooms with long topics; six sockets ask `rooms`. */
export const manyRooms: Attack = {
  name: "rooms",
  what: "one account creates visible rooms with 200-char topics, then 6 sockets ask `rooms` in a loop",
  async start(ctx): Promise<RunningAttack> {
    const created = await createRooms(ctx);
    const crew = new Crew(ctx.scale.attackMs);
    const looped = requestLoop(ctx, crew, "roomer", { type: "rooms" });
    return {
      finished: crew.finished,
      async stop() {
        await crew.stop();
        return `${created}; rooms x${ctx.scale.loopSockets}: ${looped()}`;
      },
    };
  },
};

/** `count` requests from `peer`, `window` in flight, each retried after `rate_limited`. */
function pipelined(
  crew: Crew,
  peer: Peer,
  count: number,
  body: (i: number) => Record<string, unknown>,
  tally: Tally,
): void {
  let next = 0;
  for (let w = 0; w < 20; w++) {
    crew.run(async () => {
      let i = next++;
      while (i < count && !crew.isOver && !peer.closed) {
        const reply = await peer.call(body(i));
        crew.record(tally, reply);
        if (!(await waitIfLimited(reply))) i = next++;
      }
    });
  }
}

/** 2: DMs of ~12 KB to an offline user, and one requester denied again and again. */
export const piledNotices: Attack = {
  name: "dm-flood",
  what: "~12 KB DMs to an offline user, and join requests of one user denied again and again",
  async start(ctx): Promise<RunningAttack> {
    const crew = new Crew(ctx.scale.attackMs);
    const flooder = crew.keep(await authed(ctx, "flooder"));
    const admin = crew.keep(await authed(ctx, "admin"));
    const requester = crew.keep(await authed(ctx, "requester"));
    const text = filler(4000, "界"); // three bytes each in UTF-8: ~12 KB
    const dms = new Tally();
    pipelined(
      crew,
      flooder,
      ctx.scale.dms,
      (i) => ({ type: "dm", to: "absent", text, clientId: `f${i}` }),
      dms,
    );
    const joins = new Tally();
    const denials = new Tally();
    crew.run(async () => {
      for (let i = 0; i < ctx.scale.denials && !crew.isOver; i++) {
        let join = await requester.call({ type: "join", room: ROOMS.closed });
        while ((await waitIfLimited(join)) && !crew.isOver) {
          join = await requester.call({ type: "join", room: ROOMS.closed });
        }
        crew.record(joins, join);
        let deny = await admin.call({ type: "deny", room: ROOMS.closed, user: "requester" });
        while ((await waitIfLimited(deny)) && !crew.isOver) {
          deny = await admin.call({ type: "deny", room: ROOMS.closed, user: "requester" });
        }
        crew.record(denials, deny);
        if (requester.closed || admin.closed) return;
      }
    });
    return {
      finished: crew.finished,
      async stop() {
        await crew.stop();
        return `DMs: ${dms}; joins: ${joins}; denials: ${denials}`;
      },
    };
  },
};

/** 9: six sockets ask for the largest history page of 4,000-character messages in a loop. */
export const historyPages: Attack = {
  name: "history",
  what: "6 sockets ask `history` pages of 200 x 4,000-char messages in a loop",
  async start(ctx): Promise<RunningAttack> {
    const crew = new Crew(ctx.scale.attackMs);
    const looped = requestLoop(ctx, crew, "reader", {
      type: "history",
      room: ROOMS.history,
      limit: 200,
    });
    return {
      finished: crew.finished,
      async stop() {
        await crew.stop();
        return `history x${ctx.scale.loopSockets}: ${looped()}`;
      },
    };
  },
};
