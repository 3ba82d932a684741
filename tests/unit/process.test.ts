import { describe, expect, test } from "bun:test";
import {
  cpuSeconds,
  mib,
  peakRssBytes,
  rssBytes,
  statFields,
  writtenBytes,
} from "../helpers/process.ts";

// A pid above the kernel's largest (4,194,304): never a live process.
const GONE = 99_999_999;

describe("Reading a process from /proc", () => {
  test.skipIf(process.platform !== "linux")("this process has memory, a peak and a state", () => {
    const rss = rssBytes(process.pid)!;
    expect(rss).toBeGreaterThan(1024 * 1024);
    expect(peakRssBytes(process.pid)!).toBeGreaterThanOrEqual(rss);
    expect(statFields(process.pid)[0]).toMatch(/^[RSD]$/);
    expect(cpuSeconds(process.pid)).toBeGreaterThanOrEqual(0);
  });

  test("a process that is gone gives no figures rather than an error", () => {
    expect(rssBytes(GONE)).toBeNull();
    expect(statFields(GONE)).toEqual([]);
    expect(cpuSeconds(GONE)).toBeNaN();
    expect(writtenBytes(GONE).disk).toBeNaN();
  });

  test("mib shows one decimal, and ? for an unknown figure", () => {
    expect(mib(3 * 1024 * 1024 + 200 * 1024)).toBe("3.2");
    expect(mib(null)).toBe("?");
    expect(mib(NaN)).toBe("?");
  });
});
