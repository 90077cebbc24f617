import { PRODUCER_DEFAULTS } from "@sms-relay/producer";
import { queuePrefixSchema, redisUrlSchema, withoutEmpty } from "@sms-relay/runtime";
import { z } from "zod";
import { CliError } from "./cli-error.js";
import { invocationDir } from "./invocation-dir.js";

/** What every command reads from the environment. */
export interface CliConfig {
  /** `REDIS_URL`. @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** `SMS_QUEUE_PREFIX`. @default "bull" */
  prefix: string;
  /** `SMS_DEFAULT_SENDER`: sender of messages that name none. @default the producer's default */
  defaultSender?: string;
  /** `KPN_MAX_CONTENT_LENGTH`: used to report parts. @default the producer's default (1000) */
  maxContentLength?: number;
  /**
   * Where the command was typed (see {@link invocationDir}): `pnpm --dir=… sms-relay …` starts
   * the CLI in the repository, and relative file names must mean what the user meant.
   */
  invocationDir: string;
}

const schema = z.object({
  REDIS_URL: redisUrlSchema(),
  SMS_QUEUE_PREFIX: queuePrefixSchema(PRODUCER_DEFAULTS.prefix),
  SMS_DEFAULT_SENDER: z.string().trim().min(1).optional(),
  KPN_MAX_CONTENT_LENGTH: z.coerce.number().int().positive().optional(),
  INIT_CWD: z.string().optional(),
  PNPM_PACKAGE_NAME: z.string().optional(),
});

/**
 * Reads the CLI configuration; throws a {@link CliError} naming the bad variable. `cwd` is the
 * process's working directory, the base of relative file names when nothing says otherwise.
 */
export function parseCliEnv(
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): CliConfig {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? "environment");
    throw new CliError("CLI_CONFIG", `invalid ${variable}: ${issue?.message ?? "bad value"}`);
  }
  const values = parsed.data;
  return {
    redisUrl: values.REDIS_URL,
    prefix: values.SMS_QUEUE_PREFIX,
    ...(values.SMS_DEFAULT_SENDER ? { defaultSender: values.SMS_DEFAULT_SENDER } : {}),
    ...(values.KPN_MAX_CONTENT_LENGTH ? { maxContentLength: values.KPN_MAX_CONTENT_LENGTH } : {}),
    invocationDir: invocationDir(values, cwd),
  };
}
