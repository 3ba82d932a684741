/**
 * The README's deployment texts, taken from the README itself: the systemd unit (its keys,
 * its server flags on a real server stopped with SIGTERM, and `systemd-analyze verify`
 * where installed) and the nginx configuration (nginx run with it in front of a real server,
 * and a send/history round trip over wss:// through it, the server started with the unit's
 * --trusted-proxy logging the client's own address; skipped without nginx or openssl).
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { HAS_OPENSSL, makeCertificate } from "../helpers/tls.ts";
import { tempDir } from "../helpers/server.ts";
import { useServer } from "../helpers/use-server.ts";
import { PASSWORD, uniqueName, User } from "../cli/helpers.ts";

const ROOT = resolve(import.meta.dir, "../..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const START_LINE = /^\[SERVER\] Chat server running at ws:\/\/[^\s]+$/m;

/** The fenced block of `lang` whose first line names `file`. */
function block(lang: string, file: string): string {
  const start = README.indexOf(`\`\`\`${lang}\n# ${file}\n`);
  if (start < 0) throw new Error(`README has no ${lang} block for ${file}`);
  const body = README.slice(start + lang.length + 4);
  return body.slice(0, body.indexOf("```"));
}

/** A unit file as section -> key -> values (a key may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let current: Record<string, string[]> = {};
  for (const line of text.split("\n")) {
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) current = sections[header[1] ?? ""] = {};
    const entry = /^(\w+)=(.*)$/.exec(line);
    if (entry) (current[entry[1] ?? ""] ??= []).push(entry[2] ?? "");
  }
  return sections;
}

describe("The systemd unit of the README", () => {
  const text = block("ini", "/etc/systemd/system/chat-server.service");
  const unit = parseUnit(text);
  const service = unit.Service ?? {};
  const execStart = (service.ExecStart?.[0] ?? "").split(" ");

  test("restarts on failure, as a dedicated user, with its data in the state folder", () => {
    expect(service.Restart).toEqual(["on-failure"]);
    expect(service.User?.[0]).toBeDefined();
    expect(service.User?.[0]).not.toBe("root");
    expect(service.KillSignal).toEqual(["SIGTERM"]);
    expect(execStart[0]).toBe("/usr/local/bin/chat-server");
    expect(execStart[execStart.indexOf("--data") + 1]).toBe(`/var/lib/${service.StateDirectory}`);
    expect(execStart[execStart.indexOf("--host") + 1]).toBe("127.0.0.1");
    expect(unit.Install?.WantedBy).toEqual(["multi-user.target"]);
    // More than the server's own 15 s stop deadline, so systemd never kills a clean stop.
    expect(Number(service.TimeoutStopSec)).toBeGreaterThan(15);
  });

  test("its flags start the server, and SIGTERM stops it with exit 0", async () => {
    const args = execStart.slice(1);
    args[args.indexOf("--port") + 1] = "0";
    args[args.indexOf("--data") + 1] = tempDir("chat-unit-data-");
    const proc = Bun.spawn(["bun", "server/main.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, CHAT_PASSWORD_COST: "low" },
      stdout: "pipe",
      stderr: "ignore",
    });
    let out = "";
    const reader = proc.stdout.getReader();
    while (!START_LINE.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    expect(out).toMatch(START_LINE);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });

  test.if(Bun.which("systemd-analyze") !== null)("systemd-analyze verify accepts it", () => {
    const dir = tempDir("chat-unit-");
    // verify checks that ExecStart's program exists: stand one in.
    const program = join(dir, "chat-server");
    writeFileSync(program, "#!/bin/sh\n");
    chmodSync(program, 0o755);
    const verify = (body: string) => {
      const file = join(dir, "chat-server.service");
      writeFileSync(file, body.replace("/usr/local/bin/chat-server", program));
      const result = Bun.spawnSync(["systemd-analyze", "verify", file], { stderr: "pipe" });
      return `${result.exitCode} ${result.stderr.toString()}`;
    };
    expect(verify(text)).toBe("0 ");
    // The check can fail: a wrong value is reported.
    expect(verify(text.replace("Restart=on-failure", "Restart=sometimes"))).toContain(
      "restart specifier",
    );
  });
});

const NGINX = Bun.which("nginx") ?? (Bun.which("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);

describe.if(NGINX !== null && HAS_OPENSSL)("The nginx configuration of the README", () => {
  const run = useServer();

  async function freePort(): Promise<number> {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const port = probe.port;
    probe.stop(true);
    return port;
  }

  // The unit's --trusted-proxy: the server believes nginx's X-Forwarded-For.
  const execStart = parseUnit(
    block("ini", "/etc/systemd/system/chat-server.service"),
  ).Service?.ExecStart?.[0]?.split(" ");
  const trusted = execStart?.[execStart.indexOf("--trusted-proxy") + 1] ?? "";

  test("passes the WebSocket through: a send/history round trip over wss://", async () => {
    expect(trusted).toBe("127.0.0.1");
    const server = await run.start({ args: ["--trusted-proxy", trusted] });
    const cert = makeCertificate();
    const port = await freePort();
    const dir = tempDir("chat-nginx-");
    for (const sub of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, sub));
    const site = block("nginx", "/etc/nginx/conf.d/chat.conf")
      .replace("listen 443 ssl;", `listen 127.0.0.1:${port} ssl;`)
      .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert.certFile};`)
      .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${cert.keyFile};`)
      .replace("http://127.0.0.1:8765", `http://127.0.0.1:${server.port}`);
    expect(site).toContain(`127.0.0.1:${server.port}`);
    const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
      .map(
        (k, i) =>
          `${k}_temp_path ${join(dir, ["body", "proxy", "fastcgi", "uwsgi", "scgi"][i] ?? "")};`,
      )
      .join("\n");
    const conf = join(dir, "nginx.conf");
    writeFileSync(
      conf,
      `daemon off;\nmaster_process off;\npid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")};\n` +
        `events {}\nhttp {\naccess_log off;\n${temps}\n${site}\n}\n`,
    );
    const check = Bun.spawnSync([NGINX ?? "nginx", "-t", "-p", dir, "-c", conf], {
      stderr: "pipe",
    });
    expect(check.stderr.toString()).toContain("test is successful");
    run.trackProcess(
      Bun.spawn([NGINX ?? "nginx", "-p", dir, "-c", conf], { stdout: "ignore", stderr: "pipe" }),
      "SIGTERM",
    );
    const url = `wss://localhost:${port}`;
    const deadline = Date.now() + 5000;
    while (
      (await fetch(`https://localhost:${port}/health`, {
        tls: { ca: readFileSync(cert.certFile, "utf8") },
      }).catch(() => null)) === null
    ) {
      if (Date.now() > deadline) throw new Error("nginx did not start");
      await Bun.sleep(50);
    }
    const ann = new User(url, uniqueName("ann"));
    const ca = ["--ca", cert.certFile];
    await ann.ok([...ca, "register", ann.name, "--password-stdin"], { stdin: `${PASSWORD}\n` });
    await ann.ok([...ca, "create", "lobby"]);
    await ann.ok([...ca, "send", "lobby", "through", "the", "proxy"]);
    const history = JSON.parse((await ann.ok([...ca, "--json", "history", "lobby"])).trim());
    expect(history).toMatchObject({ room: "lobby", from: ann.name, text: "through the proxy" });
    if (Bun.which("curl") !== null) await expectClientAddressLogged(port, server.dataDir);
  }, 20_000);

  // A WebSocket upgrade sent to nginx from another loopback address (127.0.0.9): the server's
  // peer is nginx (127.0.0.1), yet its log names the client's own address, from the header.
  async function expectClientAddressLogged(port: number, dataDir: string): Promise<void> {
    const url = `https://127.0.0.1:${port}/`;
    const upgrade = ["Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13"];
    const key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    const headers = [...upgrade, key].flatMap((h) => ["-H", h]);
    const curl = Bun.spawn(
      ["curl", "-sk", "--interface", "127.0.0.9", "--max-time", "3", ...headers, url],
      { stdout: "ignore", stderr: "ignore" },
    );
    const log = join(dataDir, "server.log");
    const deadline = Date.now() + 5000;
    while (!/connect conn=\S+ address=127\.0\.0\.9/.test(readFileSync(log, "utf8"))) {
      if (Date.now() > deadline) break;
      await Bun.sleep(50);
    }
    curl.kill();
    expect(readFileSync(log, "utf8")).toMatch(/connect conn=\S+ address=127\.0\.0\.9/);
  }
});
