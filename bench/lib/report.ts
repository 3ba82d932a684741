/** Statistics and the Markdown of BENCHMARKS.md. */

/** One target of the issue, checked against a measurement. */
export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  /** null when it could not be measured. */
  met: boolean | null;
  /** How far from the target, in words ("1.8x better", "missed by 35%"). */
  margin: string;
}

/** One section of the report. */
export interface Section {
  title: string;
  method: string;
  header: string[];
  rows: string[][];
  ratios: string[];
  targets: TargetCheck[];
  notes: string[];
}

/** The median of some numbers (NaN for none). */
export function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** A number with thousands separators and `digits` decimals. */
export function num(x: number, digits = 0): string {
  if (x === Infinity) return "unbounded";
  if (!Number.isFinite(x)) return "n/a";
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio like "0.62x". */
export function ratio(a: number, b: number): string {
  const r = a / b;
  if (!Number.isFinite(r)) return "n/a";
  return `${r >= 10 ? num(r, 1) : num(r, 2)}x`;
}

/** Bytes as MB (10^6). */
export function mb(bytes: number): string {
  return `${num(bytes / 1e6, 1)} MB`;
}

/** A fraction of one core as a percentage. */
export function pct(x: number): string {
  return Number.isFinite(x) ? `${num(x * 100)}%` : "n/a";
}

/** Check "higher is better" against a target. */
export function atLeast(
  name: string,
  target: string,
  value: number,
  goal: number,
  measured: string,
): TargetCheck {
  if (!Number.isFinite(value)) return { name, target, measured, met: null, margin: "not measured" };
  const met = value >= goal;
  return {
    name,
    target,
    measured,
    met,
    margin: met ? `${ratio(value, goal)} the target` : `short by ${num((1 - value / goal) * 100)}%`,
  };
}

/** Check "lower is better" against a target. */
export function atMost(
  name: string,
  target: string,
  value: number,
  goal: number,
  measured: string,
): TargetCheck {
  if (Number.isNaN(value)) return { name, target, measured, met: null, margin: "not measured" };
  const met = value <= goal;
  return {
    name,
    target,
    measured,
    met,
    margin: met
      ? `${num((1 - value / goal) * 100)}% under the limit`
      : value === Infinity
        ? "unbounded"
        : `${ratio(value, goal)} the limit`,
  };
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Everything the report needs besides the sections. */
export interface ReportMeta {
  date: string;
  machine: string[];
  method: string[];
  command: string;
  wallSeconds: number;
  /** Markdown placed after the targets (what the profiles show). */
  analysis: string;
}

/** Render BENCHMARKS.md. */
export function renderReport(meta: ReportMeta, sections: Section[]): string {
  const targets = sections.flatMap((s) => s.targets);
  const out: string[] = ["# Benchmarks", ""];
  out.push(
    `Measured ${meta.date} with \`${meta.command}\` (${num(meta.wallSeconds)} s end to end).`,
    "",
  );
  out.push("## Ratios", "");
  for (const s of sections) for (const r of s.ratios) out.push(`- ${s.title}: ${r}`);
  out.push("", "## Targets", "");
  out.push(
    table(
      ["target", "goal", "measured", "verdict"],
      targets.map((t) => [
        t.name,
        t.target,
        t.measured,
        t.met === null
          ? `not measured`
          : t.met
            ? `**met** (${t.margin})`
            : `**missed** (${t.margin})`,
      ]),
    ),
    "",
  );
  if (meta.analysis) out.push(meta.analysis.trim(), "");
  out.push("## Machine", "", ...meta.machine.map((m) => `- ${m}`), "");
  out.push("## Method", "", ...meta.method.map((m) => `- ${m}`), "");
  for (const s of sections) {
    out.push(`## ${s.title}`, "", s.method, "");
    if (s.rows.length > 0) out.push(table(s.header, s.rows), "");
    for (const n of s.notes) out.push(`${n}`, "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
