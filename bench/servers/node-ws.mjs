// What a Node developer would write: the `ws` package, and a loop of `send` over the clients
// of the room (every connection, the sender included, as our server delivers to the sender).
// Usage: node bench/servers/node-ws.mjs [port]
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({
  host: "127.0.0.1",
  port: Number(process.argv[2] ?? 0),
  perMessageDeflate: false,
});
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    for (const client of wss.clients) client.send(data, { binary: isBinary });
  });
});
wss.on("listening", () => {
  console.log(`[SERVER] Chat server running at ws://127.0.0.1:${wss.address().port}`);
});
process.on("SIGTERM", () => process.exit(0));
