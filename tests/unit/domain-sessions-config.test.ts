import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "../../server/config.ts";

describe("Account and session flags", () => {
  test("BURST/SECONDS flags set the buckets; the session and hash flags their bounds", () => {
    const config = parseConfig(
      [
        "--login-failure-limit",
        "3/0.5",
        "--login-failure-limit-address",
        "12/4",
        "--bad-token-limit",
        "7/20",
        "--register-limit",
        "2/60",
        "--account-limit-address",
        "100/1",
        "--account-limit-user",
        "4/5",
        "--hash-concurrency",
        "3",
        "--hash-queue",
        "10",
        "--max-sessions",
        "5",
        "--session-ttl",
        "7",
      ],
      {},
    );
    expect(config.accountLimits).toEqual({
      passwordFailures: { burst: 3, perSecond: 2 },
      passwordFailuresByAddress: { burst: 12, perSecond: 0.25 },
      badTokens: { burst: 7, perSecond: 0.05 },
      registrations: { burst: 2, perSecond: 1 / 60 },
      accountByAddress: { burst: 100, perSecond: 1 },
      accountByUser: { burst: 4, perSecond: 0.2 },
    });
    expect(config).toMatchObject({
      hashConcurrency: 3,
      hashQueue: 10,
      maxSessions: 5,
      sessionTtlDays: 7,
    });
  });

  test("--no-rate-limit leaves the hash queue unbounded unless it is given", () => {
    expect(parseConfig(["--no-rate-limit"], {}).hashQueue).toBe(0);
    expect(parseConfig(["--no-rate-limit", "--hash-queue", "9"], {}).hashQueue).toBe(9);
  });

  test("malformed values are configuration errors naming the flag", () => {
    const bad = [
      ["--login-failure-limit", "5"],
      ["--login-failure-limit-address", "5/"],
      ["--bad-token-limit", "0/10"],
      ["--register-limit", "5/0"],
      ["--account-limit-user", "x/y"],
      ["--max-sessions", "0"],
      ["--session-ttl", "-1"],
      ["--hash-concurrency", "0"],
    ];
    for (const args of bad) {
      expect(() => parseConfig(args, {})).toThrow(ConfigError);
      expect(() => parseConfig(args, {})).toThrow(args[0]!);
    }
  });
});
