import { createBullBoard } from "@bull-board/api";
import { ExpressAdapter } from "@bull-board/express";
import {
  DEAD_LETTER_QUEUE,
  DEFAULT_PREFIX,
  DeadLetterQueue,
  PRODUCER_DEFAULTS,
  SMS_QUEUE,
  type SmsRedisConnection,
} from "@sms-relay/producer";
import { type ConnectionOptions, Queue } from "bullmq";
import express, { type Express } from "express";
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { createBasicAuth } from "./basic-auth.js";
import { createBoardPageRewrite, createFontAssets, FONTS_PATH } from "./board-page.js";
import { createDeadLetterRouter } from "./dead-letter-routes.js";
import type { DashboardCredentials } from "./env.js";
import { describeRedis, isRedisDown, redisDownAnswer } from "./error-answers.js";
import { BULL_BOARD_DATE_FORMAT } from "./format-time.js";
import { createJsonMasking } from "./mask-json-responses.js";
import { maskNumbersInText } from "./mask-phone-numbers.js";
import { MaskedBullMQAdapter } from "./masked-bullmq-adapter.js";
import { createRedisGate } from "./redis-gate.js";
import { createRetryGuards } from "./retry-guards.js";
import { createSameOriginGuard } from "./same-origin-guard.js";
import { createSmsRouter } from "./sms-routes.js";
import { createMaskedDataGuard, createReadOnlyGuard } from "./write-guards.js";

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /**
   * A `redis://` URL (the dashboard opens and closes its own connection), or anything BullMQ
   * accepts as `connection` (ioredis options, a Redis or Cluster instance: left open on close).
   */
  connection: string | ConnectionOptions;
  /** BullMQ prefix of the queues. @default "bull" */
  prefix?: string;
  /** Basic auth credentials, or `false` for none (then anyone who can reach the port can use it). */
  auth: DashboardCredentials | false;
  /**
   * Refuse every write (403) and hide the write buttons. Even when false, editing job data and
   * adding jobs are refused, as the browser only holds masked numbers; retrying a dead SMS
   * redrives it, and retrying a sent one is refused (see `createRetryGuards`).
   * @default false
   */
  readOnly?: boolean;
  /**
   * Express's `trust proxy` (`DASHBOARD_TRUST_PROXY`): behind a reverse proxy, which hops to trust
   * for the client address (`X-Forwarded-For`), so that the password throttle counts clients,
   * not the proxy. A number of hops, `true`, or addresses/subnets such as `"loopback"`.
   * @default false
   */
  trustProxy?: boolean | number | string;
  /**
   * Where warnings go (Redis connection errors, clients refused for too many wrong passwords).
   * @default no logging
   */
  logger?: Logger;
  /**
   * Content limit of one message on the KPN account (`KPN_MAX_CONTENT_LENGTH`), to show how many
   * messages an SMS not sent yet will be. @default 1000
   */
  maxContentLength?: number;
}

/** A dashboard app, not yet listening. */
export interface Dashboard {
  /**
   * The Express app: bull-board at `/`, the dead-letter page and API at `/dead-letters`, the
   * search for one SMS at `/sms`, `GET /healthz` without auth.
   */
  readonly app: Express;
  /** Closes the queues and the Redis connection the dashboard opened. */
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 2000;
/** How long a page waits to hear from Redis before it says Redis is not reachable. */
const PAGE_REDIS_TIMEOUT_MS = 1500;
/** Where the dead-letter page and its API live (linked from every page's navigation bar). */
const DEAD_LETTERS_PATH = "/dead-letters";
/** Where one SMS is found, by id or number. */
const SMS_PATH = "/sms";

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("Redis did not answer in time")), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Builds the dashboard: bull-board for the `sms` and `sms-dead-letter` queues behind basic auth,
 * with phone numbers masked and, in read-only mode, every write refused.
 *
 * @example
 * const { app, close } = createDashboard({
 *   connection: "redis://127.0.0.1:6379",
 *   auth: { user: "admin", password: "s3cret" },
 *   readOnly: true,
 * });
 * const server = app.listen(3000);
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { auth, logger } = options;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const readOnly = options.readOnly ?? false;
  const ownRedis =
    typeof options.connection === "string"
      ? new Redis(options.connection, { maxRetriesPerRequest: 1 })
      : undefined;
  const connection = ownRedis ?? (options.connection as ConnectionOptions);
  const redisDescription = describeRedis(options.connection);
  // The number index is read with plain commands: on the dashboard's connection, the instance
  // handed in, or (given options) a connection of its own, opened when first needed.
  let optionsRedis: Redis | undefined;
  const indexRedis = (): Redis | Cluster => {
    if (ownRedis) return ownRedis;
    const given = options.connection as { duplicate?: unknown };
    if (typeof given.duplicate === "function") return options.connection as Redis | Cluster;
    optionsRedis ??= new Redis({
      ...(options.connection as RedisOptions),
      maxRetriesPerRequest: 1,
    });
    optionsRedis.on("error", onRedisError);
    return optionsRedis;
  };

  let lastErrorLogged = 0;
  const onRedisError = (error: Error) => {
    // A Redis outage repeats the same error on every reconnect: one line per 10 s is enough.
    if (Date.now() - lastErrorLogged < 10_000) return;
    lastErrorLogged = Date.now();
    logger?.warn({ err: { message: error.message } }, "dashboard cannot reach Redis");
  };
  ownRedis?.on("error", onRedisError);

  const openQueue = (name: string) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on("error", onRedisError);
    return queue;
  };
  const smsQueue = openQueue(SMS_QUEUE);
  const deadLetterRecords = openQueue(DEAD_LETTER_QUEUE);
  const queues = [smsQueue, deadLetterRecords];

  // Shares the dashboard's connection; given options, it opens (and closes) one of its own.
  const deadLetters = new DeadLetterQueue({
    connection: ownRedis ?? (options.connection as SmsRedisConnection),
    prefix,
  });

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath("/");
  const deliveries = (jobIds: string[]) => deadLetters.deliveries(jobIds);
  createBullBoard({
    // Dead-letter records have the id of their SMS: both show its delivery state.
    queues: [
      new MaskedBullMQAdapter(smsQueue, { readOnly, deliveries }),
      new MaskedBullMQAdapter(deadLetterRecords, {
        readOnly,
        deliveries,
        expectsWorkers: false,
        description:
          "No worker consumes this queue, by design: redrive or purge on the Dead letters page",
      }),
    ],
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: "sms-relay",
        hideDocsLink: true,
        dateFormats: {
          short: BULL_BOARD_DATE_FORMAT,
          common: BULL_BOARD_DATE_FORMAT,
          full: BULL_BOARD_DATE_FORMAT,
        },
        miscLinks: [
          { text: "Find an SMS", url: SMS_PATH },
          { text: "Dead letters: redrive / purge", url: DEAD_LETTERS_PATH },
        ],
      },
    },
  });
  // bull-board answers its API's failures with the driver's own words; Redis being away gets
  // plain ones, and no failure text carries a full number.
  serverAdapter.setErrorHandler((error: Error & { statusCode?: number }) => {
    if (isRedisDown(error)) {
      const answer = redisDownAnswer(redisDescription);
      return { status: 503 as 500, body: { error: answer.error, code: answer.code } };
    }
    return {
      status: (error.statusCode ?? 500) as 500,
      body: {
        error: maskNumbersInText(error.message || "internal error"),
        code: "DASHBOARD_ERROR",
      },
    };
  });

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", options.trustProxy ?? false);
  // Open to probes (container health checks carry no credentials); says nothing but up or down.
  // A cheap read through BullMQ proves that Redis answers.
  app.get("/healthz", async (_req, res) => {
    const first = queues[0];
    try {
      if (!first) throw new Error("no queue");
      await Promise.race([
        first.isPaused(),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error("ping timed out")), HEALTH_TIMEOUT_MS).unref(),
        ),
      ]);
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable", reason: "redis" });
    }
  });
  if (auth) app.use(createBasicAuth({ ...auth, ...(logger ? { logger } : {}) }));
  // Browsers resend basic auth to any site's request: no write may come from another origin.
  // Scripts send no Origin and pass; a browser always sends one with these methods.
  app.use(createSameOriginGuard({ requireHeader: false }));
  if (readOnly) {
    app.use(createReadOnlyGuard());
  } else {
    // Routers, not patterns on the URL: they match every spelling bull-board's router does.
    app.use(createMaskedDataGuard());
    app.use(
      createRetryGuards({
        deadLetters,
        sms: smsQueue,
        deadLetterRecords,
        ...(logger ? { logger } : {}),
      }),
    );
  }
  app.use(createJsonMasking());
  app.use(FONTS_PATH, createFontAssets());
  app.use(
    createRedisGate({
      redis: redisDescription,
      answers: () =>
        within(smsQueue.isPaused(), PAGE_REDIS_TIMEOUT_MS).then(
          () => true,
          () => false,
        ),
    }),
  );
  // After auth and the read-only guard, so both cover redrive and purge.
  app.use(
    DEAD_LETTERS_PATH,
    createDeadLetterRouter({
      deadLetters,
      readOnly,
      redisDescription,
      ...(logger ? { logger } : {}),
    }),
  );
  app.use(
    SMS_PATH,
    createSmsRouter({
      sms: smsQueue,
      deadLetters,
      prefix,
      redis: async () => indexRedis(),
      maxContentLength: options.maxContentLength ?? PRODUCER_DEFAULTS.maxContentLength,
      redisDescription,
      ...(logger ? { logger } : {}),
    }),
  );
  const board = serverAdapter.getRouter() as Express;
  // bull-board runs its own Express app, which would announce itself on every response.
  board.disable("x-powered-by");
  app.use("/", createBoardPageRewrite(), board);

  return {
    app,
    async close() {
      await Promise.allSettled([...queues.map((queue) => queue.close()), deadLetters.close()]);
      for (const own of [ownRedis, optionsRedis]) {
        if (own) await own.quit().catch(() => own.disconnect());
      }
    },
  };
}
