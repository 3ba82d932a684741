/**
 * Latency, open loop: messages are sent on a fixed schedule whatever the server does, each
 * carrying its scheduled send time; one member of the room (which sends nothing) decodes
 * every delivery and records the delay from the scheduled time, so a server that falls
 * behind shows its queueing delay instead of slowing the senders down.
 */
import { closeAll, CpuWindow, joinRoom, type Target } from "./room.ts";

/** Configuration of one latency run. */
export interface LatencyConfig extends Target {
  clients: number;
  /** Offered deliveries per second (sends per second times the room size). */
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainSeconds: number;
}

/** What one latency run measured (milliseconds). */
export interface LatencyResult {
  rate: number;
  sent: number;
  received: number;
  /** Measured deliveries that had not arrived by the end of the drain time. */
  missing: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  serverCpu: number;
  clientCpu: number;
}

const PROBE = '"text":"p';

/** The value at quantile q of sorted samples. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Run the latency scenario at one offered rate. */
export async function latencyScenario(cfg: LatencyConfig): Promise<LatencyResult> {
  const { clients, room } = await joinRoom(cfg, cfg.clients);
  const receiver = clients[0]!;
  const senders = clients.slice(1);
  const sendsPerSec = cfg.rate / cfg.clients;
  const interval = 1000 / sendsPerSec;
  const total = Math.max(1, Math.round(sendsPerSec * (cfg.warmupSeconds + cfg.seconds)));
  const start = performance.now() + 20;
  const warmCount = Math.min(total, Math.ceil((cfg.warmupSeconds * 1000) / interval));
  const samples = new Float64Array(total);
  let measured = 0;
  let received = 0;

  receiver.counter.listener = (text) => {
    const now = performance.now();
    const at = text.indexOf(PROBE);
    if (at < 0) return;
    const end = text.indexOf("k", at);
    const sched = parseFloat(text.slice(at + PROBE.length, end));
    received++;
    if (parseInt(text.slice(end + 1), 10) >= warmCount) samples[measured++] = now - sched;
  };

  let cpu: CpuWindow | null = null;
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (k < total && start + k * interval <= now) {
        const sched = start + k * interval;
        if (cpu === null && k >= warmCount) cpu = new CpuWindow(cfg.serverPid);
        const ws = senders[k % senders.length]!;
        ws.sendText(`{"type":"send","room":"${room}","text":"p${sched.toFixed(3)}k${k}"}`);
        k++;
      }
      if (k < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, 20);
  });
  const deadline = performance.now() + cfg.drainSeconds * 1000;
  while (received < total && performance.now() < deadline) await Bun.sleep(5);
  const usage = (cpu as CpuWindow | null)?.end() ?? { serverCpu: NaN, clientCpu: NaN };
  closeAll(clients);

  const sorted = samples.subarray(0, measured).sort();
  // Deliveries that never arrived within the drain time have an unbounded latency.
  const missing = Math.max(0, total - warmCount - measured);
  const all = new Float64Array(measured + missing);
  all.set(sorted);
  all.fill(Infinity, measured);
  return {
    rate: cfg.rate,
    sent: k,
    received,
    p50: quantile(all, 0.5),
    p99: quantile(all, 0.99),
    p999: quantile(all, 0.999),
    max: missing > 0 ? Infinity : (sorted[sorted.length - 1] ?? NaN),
    missing,
    serverCpu: usage.serverCpu,
    clientCpu: usage.clientCpu,
  };
}
