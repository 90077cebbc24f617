import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "@sms-relay/testing";

/** Options of {@link acquireExclusiveRun}. */
export interface ExclusiveRunOptions {
  /** Name of the lock; runs holding different names do not wait for each other. */
  name: string;
  /**
   * Give up waiting after this many milliseconds.
   * @default 600000
   */
  timeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Waits until no other process on this machine holds the lock `name`, then takes it, and returns
 * the function that gives it back.
 *
 * The reliability suites each drive several worker processes at full load and measure rates and
 * deadlines; two of them at once on a small machine would measure each other. Test runners run
 * files in parallel, so the files take turns through this lock. A lock left behind by a dead
 * process is taken over.
 */
export async function acquireExclusiveRun(
  options: ExclusiveRunOptions,
): Promise<() => Promise<void>> {
  const { name, timeoutMs = 600_000 } = options;
  const dir = join(tmpdir(), `sms-relay-${name}.lock`);
  const ownerFile = join(dir, "owner");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(dir);
      await writeFile(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(ownerFile, "utf8").catch(() => ""));
      const ownerless = !(Number.isInteger(owner) && owner > 0);
      const age = Date.now() - ((await stat(dir).catch(() => undefined))?.mtimeMs ?? Date.now());
      // No owner written 10 s after the lock was made: its maker died between the two steps.
      if ((!ownerless && !isAlive(owner)) || (ownerless && age > 10_000)) {
        await rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`waited ${timeoutMs} ms for the ${name} lock held by process ${owner}`);
      }
      // An owner file not written yet is a lock being taken right now: wait like for any other.
      await sleep(250);
    }
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await rm(dir, { recursive: true, force: true });
  };
}
