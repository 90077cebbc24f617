import type { CliOutput } from "./io.js";

/** A one-line progress bar that rewrites itself; draws nothing unless `output` is a terminal. */
export interface ProgressBar {
  update(fraction: number, label: string): void;
  /** Clears the line so that what follows starts clean. */
  done(): void;
}

const REDRAW_EVERY_MS = 100;

/** Creates a {@link ProgressBar} on `output` (stderr, so that stdout stays machine-readable). */
export function createProgressBar(output: CliOutput): ProgressBar {
  if (!output.isTTY) return { update() {}, done() {} };
  let lastDraw = 0;
  let drawn = false;
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_EVERY_MS && fraction < 1) return;
      lastDraw = now;
      const clamped = Math.min(1, Math.max(0, fraction));
      const width = Math.max(10, Math.min(40, (output.columns ?? 80) - label.length - 10));
      const filled = Math.round(clamped * width);
      const percent = `${Math.floor(clamped * 100)}`.padStart(3);
      output.write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${percent}% ${label}\x1b[K`,
      );
      drawn = true;
    },
    done() {
      if (drawn) output.write("\r\x1b[K");
    },
  };
}
