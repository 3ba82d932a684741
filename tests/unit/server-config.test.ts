import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "../../server/config.ts";

describe("Server configuration", () => {
  test("defaults: 0.0.0.0:8765, ./data, idle after 300 s, history 200, rate limits on", () => {
    expect(parseConfig([], {})).toEqual({
      host: "0.0.0.0",
      port: 8765,
      dataDir: "./data",
      idleAfterSeconds: 300,
      historyLimit: 200,
      tlsCert: null,
      tlsKey: null,
      isRateLimited: true,
      isPasswordCheap: false,
      authDeadlineSeconds: 600,
      maxConnectionsPerUser: 20,
      maxConnectionsPerAddress: 200,
      maxUnauthenticatedPerAddress: 64,
      requestsPerConnection: 50,
      requestsPerUser: 100,
      queuedKib: 1024,
      framesPerRequest: 100,
      replyBacklogKib: 2048,
      replyKibPerRequest: 16,
      ignoredWaitsMax: 100,
      trustedProxies: new Set(),
      offlineGraceSeconds: 5,
      presenceIntervalMs: 500,
      presenceWindowMs: 100,
      presenceBatch: 200,
      redisUrl: null,
      isRedisUnsafe: false,
      redisReplicas: 0,
      instanceTimeoutSeconds: 10,
      snapshotEvery: 10_000,
      accountLimits: {
        passwordFailures: { burst: 5, perSecond: 0.1 },
        passwordFailuresByAddress: { burst: 20, perSecond: 1 / 3 },
        badTokens: { burst: 5, perSecond: 0.1 },
        registrations: { burst: 10, perSecond: 0.1 },
        accountByAddress: { burst: 30, perSecond: 0.5 },
        accountByUser: { burst: 10, perSecond: 0.1 },
      },
      hashConcurrency: null,
      hashQueue: 256,
      maxSessions: 50,
      sessionTtlDays: 90,
      roomQuotas: {
        maxRoomsPerUser: 50,
        maxRoomsJoined: 1000,
        createLimit: { burst: 10, perSecond: 1 },
        maxRoomsCreated: 100,
        maxNewConversations: 100,
      },
      moderation: { maxBansPerRoom: 1000, maxInvitesPerRoom: 1000 },
      replyBounds: {
        roomsPage: 200,
        whoPage: 1000,
        requestsPage: 1000,
        historyPageBytes: 524288,
        conversationsPage: 200,
      },
    });
  });

  test("environment sets host, port, data and idle time; flags win", () => {
    const env = {
      CHAT_HOST: "127.0.0.1",
      CHAT_PORT: "9000",
      CHAT_DATA_DIR: "/srv/chat",
      CHAT_IDLE_AFTER: "60",
    };
    expect(parseConfig([], env)).toMatchObject({
      host: "127.0.0.1",
      port: 9000,
      dataDir: "/srv/chat",
      idleAfterSeconds: 60,
    });
    const flags = [
      "--host",
      "::1",
      "--port",
      "0",
      "--data",
      "d",
      "--idle-after",
      "5",
      "--history-limit",
      "50",
      "--no-rate-limit",
    ];
    expect(parseConfig(flags, env)).toMatchObject({
      host: "::1",
      port: 0,
      dataDir: "d",
      idleAfterSeconds: 5,
      historyLimit: 50,
      isRateLimited: false,
    });
  });

  test("the presence window and batch are on under --no-rate-limit too, and take their flags", () => {
    expect(parseConfig(["--no-rate-limit"], {})).toMatchObject({
      presenceWindowMs: 100,
      presenceBatch: 200,
      presenceIntervalMs: 0,
    });
    const flags = ["--presence-window-ms", "0", "--presence-batch", "50"];
    expect(parseConfig(flags, {})).toMatchObject({ presenceWindowMs: 0, presenceBatch: 50 });
    expect(() => parseConfig(["--presence-batch", "0"], {})).toThrow(ConfigError);
    expect(() => parseConfig(["--presence-window-ms", "10001"], {})).toThrow(ConfigError);
  });

  test("bad numbers, unknown flags and a lone --tls-cert are configuration errors", () => {
    expect(() => parseConfig(["--port", "http"], {})).toThrow(ConfigError);
    expect(() => parseConfig(["--port", "70000"], {})).toThrow(ConfigError);
    expect(() => parseConfig([], { CHAT_IDLE_AFTER: "-1" })).toThrow(ConfigError);
    expect(() => parseConfig(["--history-limit", "0"], {})).toThrow(ConfigError);
    expect(() => parseConfig(["--verbose"], {})).toThrow(ConfigError);
    expect(() => parseConfig(["--tls-cert", "c.pem"], {})).toThrow(
      "--tls-cert and --tls-key go together",
    );
  });

  test("--trusted-proxy takes a list of addresses (IPv4-mapped IPv6 as IPv4); anything else is an error", () => {
    const config = parseConfig(["--trusted-proxy", "127.0.0.1, ::FFFF:10.0.0.2,fd00::1"], {});
    expect(config.trustedProxies).toEqual(new Set(["127.0.0.1", "10.0.0.2", "fd00::1"]));
    expect(() => parseConfig(["--trusted-proxy", "127.0.0.1,proxy.example"], {})).toThrow(
      "--trusted-proxy takes IP addresses, not 'proxy.example'",
    );
  });

  test("CHAT_PASSWORD_COST=low picks cheap password hashing (tests only)", () => {
    expect(parseConfig([], { CHAT_PASSWORD_COST: "low" }).isPasswordCheap).toBe(true);
  });

  test("CHAT_AUTH_DEADLINE sets the seconds a connection may take to log in", () => {
    expect(parseConfig([], { CHAT_AUTH_DEADLINE: "30" }).authDeadlineSeconds).toBe(30);
    expect(() => parseConfig([], { CHAT_AUTH_DEADLINE: "0" })).toThrow(ConfigError);
  });
});

describe("cluster flags", () => {
  test("--redis or CHAT_REDIS_URL names the cluster's Redis; anything but a redis:// address is refused", () => {
    expect(parseConfig(["--redis", "redis://10.0.0.10:6379"], {}).redisUrl).toBe(
      "redis://10.0.0.10:6379",
    );
    expect(parseConfig([], { CHAT_REDIS_URL: "redis://r:6379" }).redisUrl).toBe("redis://r:6379");
    expect(
      parseConfig(["--redis", "redis://a:1"], { CHAT_REDIS_URL: "redis://b:2" }).redisUrl,
    ).toBe("redis://a:1");
    expect(() => parseConfig(["--redis", "10.0.0.10:6379"], {})).toThrow("redis://HOST:PORT");
    expect(() => parseConfig(["--redis", "redis://x", "--instance-timeout", "0"], {})).toThrow(
      "--instance-timeout",
    );
  });
});
