/** Where {@link startTestRedis} gets a Redis from. */
export type TestRedisSource = "container" | "binary" | "url";

/** The values `SMS_RELAY_TEST_REDIS` accepts. */
export const TEST_REDIS_SOURCES: readonly TestRedisSource[] = ["container", "binary", "url"];

/** What is known about this machine when the source is chosen. */
export interface TestRedisSourceInputs {
  /** `SMS_RELAY_TEST_REDIS`, when set: forces one source. */
  override?: string | undefined;
  /** A Docker engine answered its ping. */
  engineAnswers: boolean;
  /** A `redis-server` binary is on PATH. */
  binaryOnPath: boolean;
  /** `REDIS_URL`, when set. */
  redisUrl?: string | undefined;
}

/** The chosen source and one line saying why, for the log of a puzzled developer. */
export interface TestRedisChoice {
  source: TestRedisSource;
  reason: string;
}

/** Thrown when no Redis can be had for tests, or `SMS_RELAY_TEST_REDIS` asks for one that can't. */
export class TestRedisUnavailableError extends Error {
  override readonly name = "TestRedisUnavailableError";
  /** Always `"TEST_REDIS_UNAVAILABLE"`. */
  readonly code = "TEST_REDIS_UNAVAILABLE";
}

const HOW_TO_GET_ONE =
  "start a Docker engine, install redis-server (apt-get install redis-server, brew install redis), or set REDIS_URL";

/**
 * Picks the test Redis: a container where a Docker engine answers, else a `redis-server` child,
 * else `REDIS_URL`. An ambient `REDIS_URL` does not win, because it is often exported for the
 * app (`pnpm start`) and points at a Redis that tests should not fill with keys; set
 * `SMS_RELAY_TEST_REDIS=url` to test against it on purpose. An override that cannot be met fails
 * rather than falling through, since whoever set it expects that source.
 *
 * @throws {TestRedisUnavailableError} naming `SMS_RELAY_TEST_REDIS` or saying how to get a Redis.
 */
export function chooseTestRedisSource(inputs: TestRedisSourceInputs): TestRedisChoice {
  const override = inputs.override?.trim() || undefined;
  const redisUrl = inputs.redisUrl?.trim() || undefined;
  if (override !== undefined) {
    if (!TEST_REDIS_SOURCES.includes(override as TestRedisSource)) {
      throw new TestRedisUnavailableError(
        `SMS_RELAY_TEST_REDIS must be one of ${TEST_REDIS_SOURCES.join(", ")} (got ${JSON.stringify(override)})`,
      );
    }
    const forced = override as TestRedisSource;
    const missing =
      forced === "container" && !inputs.engineAnswers
        ? "no Docker engine answers"
        : forced === "binary" && !inputs.binaryOnPath
          ? "redis-server is not on PATH"
          : forced === "url" && redisUrl === undefined
            ? "REDIS_URL is not set"
            : undefined;
    if (missing) {
      throw new TestRedisUnavailableError(`SMS_RELAY_TEST_REDIS=${forced}, but ${missing}`);
    }
    return { source: forced, reason: `SMS_RELAY_TEST_REDIS=${forced}` };
  }
  if (inputs.engineAnswers) return { source: "container", reason: "a Docker engine answers" };
  if (inputs.binaryOnPath) {
    return { source: "binary", reason: "no Docker engine answers; redis-server is on PATH" };
  }
  if (redisUrl !== undefined) {
    return { source: "url", reason: "no Docker engine, no redis-server on PATH; REDIS_URL is set" };
  }
  throw new TestRedisUnavailableError(`no Redis for the tests: ${HOW_TO_GET_ONE}`);
}
