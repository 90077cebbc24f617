/**
 * `SmsProducer.sendMany` of 5000 messages (validation, number normalization, planning, job ids,
 * adds in chunks) against one BullMQ `queue.addBulk` of the same job data prepared beforehand.
 */
import { randomUUID } from "node:crypto";
import {
  DEFAULT_PREFIX,
  SMS_JOB_DEFAULTS,
  SMS_JOB_NAME,
  SMS_QUEUE,
  SmsProducer,
} from "@sms-relay/producer";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { CORPUS, messageAt, mobileNumber, typedMobileNumber } from "../lib/corpus.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { compareRounds } from "../lib/stats.mjs";

const JOBS = 5000;
const SENDER = "SMSRelay";
const MAX_CONTENT_LENGTH = 1000;
const MAX_SEGMENTS = 10;

/** @returns {import("@sms-relay/producer").SendSmsInput[]} */
function producerInputs() {
  return Array.from({ length: JOBS }, (_, i) => ({
    to: typedMobileNumber(i),
    content: messageAt(CORPUS, i),
    sender: SENDER,
  }));
}

/** What the producer would add for the same inputs, built before the clock starts. */
function preparedJobs() {
  const createdAt = new Date().toISOString();
  return Array.from({ length: JOBS }, (_, i) => {
    const jobId = randomUUID();
    return {
      name: SMS_JOB_NAME,
      data: { v: 1, to: mobileNumber(i), content: messageAt(CORPUS, i), sender: SENDER, createdAt },
      opts: { ...SMS_JOB_DEFAULTS, jobId, delay: 0, priority: 0 },
    };
  });
}

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchProducerEnqueue({ rounds, redisUrl }) {
  const admin = new Redis(redisUrl);
  const baselineConnection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue(SMS_QUEUE, { connection: baselineConnection, prefix: DEFAULT_PREFIX });
  // Every option given, so that SMS_DEFAULT_SENDER or KPN_MAX_CONTENT_LENGTH in the environment
  // cannot change what is measured.
  const producer = new SmsProducer({
    connection: redisUrl,
    defaultSender: SENDER,
    maxContentLength: MAX_CONTENT_LENGTH,
    maxSegments: MAX_SEGMENTS,
  });
  const inputs = producerInputs();
  const jobs = preparedJobs();
  /** @param {number} elapsedMs */
  const perSecond = (elapsedMs) => (JOBS / elapsedMs) * 1000;
  try {
    await queue.waitUntilReady();
    const results = await runRounds({
      rounds,
      beforeEach: async () => {
        await admin.flushall();
      },
      contestants: {
        baseline: async () => {
          const started = performance.now();
          await queue.addBulk(jobs);
          return perSecond(performance.now() - started);
        },
        subject: async () => {
          const started = performance.now();
          const { accepted, rejected } = await producer.sendMany(inputs);
          const elapsed = performance.now() - started;
          if (accepted.length !== JOBS) {
            throw new Error(
              `sendMany accepted ${accepted.length} of ${JOBS} (${rejected.length} rejected)`,
            );
          }
          return perSecond(elapsed);
        },
      },
    });
    return [
      {
        name: "producer sendMany vs queue.addBulk",
        unit: "jobs/s",
        ...compareRounds(results.baseline ?? [], results.subject ?? [], { higherIsBetter: true }),
        details: { jobs: JOBS },
      },
    ];
  } finally {
    await Promise.allSettled([producer.close(), queue.close()]);
    baselineConnection.disconnect();
    admin.disconnect();
  }
}
