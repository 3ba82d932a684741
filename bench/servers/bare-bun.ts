/**
 * The ceiling: a bare Bun.serve that publishes every incoming frame to one topic that every
 * connection subscribes to (the sender included, as our server delivers to the sender too).
 * Usage: bun bench/servers/bare-bun.ts [port]
 */
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  fetch(req, srv) {
    if (srv.upgrade(req, { data: {} })) return undefined;
    return new Response("ok");
  },
  websocket: {
    data: {} as Record<string, never>,
    perMessageDeflate: false,
    idleTimeout: 0,
    open(ws) {
      ws.subscribe("room");
    },
    message(_ws, msg) {
      server.publish("room", msg, false);
    },
  },
});
console.log(`[SERVER] Chat server running at ws://127.0.0.1:${server.port}`);
process.on("SIGTERM", () => process.exit(0));
