/**
 * Small measuring tools for the benchmarks: medians, and wall time and peak
 * memory of a child process.
 *
 * @module
 */

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle] as number
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Wall time and peak resident memory of one finished process. */
export interface ProcessSample {
  wallMs: number;
  peakKiB: number;
  code: number;
}

/**
 * Runs a command under GNU time, which reports the peak resident set size
 * of the child (`%M`), and returns its wall time and peak memory.
 */
export async function runMeasured(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ProcessSample> {
  const report = await Deno.makeTempFile();
  try {
    const start = performance.now();
    const output = await new Deno.Command("/usr/bin/time", {
      args: ["-o", report, "-f", "%M", ...args],
      env,
      stdout: "null",
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - start;
    if (!output.success) {
      const stderr = new TextDecoder().decode(output.stderr);
      throw new Error(`${args.join(" ")} failed: ${stderr.slice(-500)}`);
    }
    const peakKiB = Number(
      (await Deno.readTextFile(report)).trim().split("\n").at(-1),
    );
    return { wallMs, peakKiB, code: output.code };
  } finally {
    await Deno.remove(report);
  }
}

/** Prints an aligned table of rows, first row as the header. */
export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] ?? []).map((_, i) =>
    Math.max(...rows.map((row) => (row[i] ?? "").length))
  );
  for (const [index, row] of rows.entries()) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
    if (index === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}
