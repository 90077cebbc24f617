import { readlinkSync } from "node:fs";

/** The variables that tell how pnpm or npm started the command. */
export interface InvocationEnv {
  /** Set by `pnpm run` / `npm run` (and `pnpm <script>`): where the command was typed. */
  INIT_CWD?: string | undefined;
  /** Set by `pnpm exec` (and `pnpm <binary>`) when it runs the binary in a package directory. */
  PNPM_PACKAGE_NAME?: string | undefined;
}

/**
 * The working directory of the process that started this one, where the system tells (Linux's
 * `/proc`); `undefined` elsewhere.
 */
export function parentWorkingDir(): string | undefined {
  try {
    return readlinkSync(`/proc/${process.ppid}/cwd`);
  } catch {
    return undefined;
  }
}

/**
 * The directory relative file names are taken from: where the user typed the command.
 *
 * `pnpm --dir=REPO sms-relay …` and `pnpm --dir=REPO exec sms-relay …` start the binary in the
 * package directory and set no `INIT_CWD` (one seen then was inherited from an outer script);
 * the shell script pnpm puts in front of every binary resets `PWD` too. What is left is pnpm
 * itself, which runs where the command was typed and started this process: under `pnpm exec`
 * (`PNPM_PACKAGE_NAME`), its working directory is the answer. A package script (`pnpm run`,
 * `npm run`) runs in the package directory and says where it was typed in `INIT_CWD`. Anything
 * else runs where it was started.
 *
 * @param parentDir the starting process's working directory, when known. @default {@link parentWorkingDir}
 * @example
 * // `cd ~/lists && pnpm --dir=~/sms-relay sms-relay bulk ./today.csv`
 * invocationDir({ PNPM_PACKAGE_NAME: "sms-relay" }, "/home/me/sms-relay"); // "/home/me/lists"
 */
export function invocationDir(
  env: InvocationEnv,
  cwd: string,
  parentDir: () => string | undefined = parentWorkingDir,
): string {
  if (env.PNPM_PACKAGE_NAME) {
    const typedIn = parentDir();
    if (typedIn) return typedIn;
  }
  return env.INIT_CWD || cwd;
}
