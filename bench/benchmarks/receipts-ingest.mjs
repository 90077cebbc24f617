/**
 * The receipts app (`startReceipts`, in a process of its own) taking signed single delivery
 * reports from a loopback load generator, against a bare `node:http` receiver in a process of its
 * own that checks the same HMAC and writes one Redis hash per report. Both get the same requests
 * with the same number in flight; every answer's time is kept, for its p50 and p99.
 */
import { randomUUID } from "node:crypto";
import { deliveryKeys, newDeliveryReference, PRODUCER_DEFAULTS } from "@sms-relay/producer";
import { Redis } from "ioredis";
import { Pool } from "undici";
import { startReceiverChild } from "../lib/receipts-child.mjs";
import { runRounds } from "../lib/rounds.mjs";
import { compareRounds, percentile } from "../lib/stats.mjs";
import { postReports, signedReports } from "../lib/webhook-load.mjs";

const REPORTS = 10_000;
const IN_FLIGHT = 64;
const KEY_ID = "bench-2025";
const SECRET = randomUUID();

/**
 * @typedef {object} IngestMeasurement
 * @property {number} perSecond reports answered per second
 * @property {number} p50Ms median answer time
 * @property {number} p99Ms
 */

/**
 * @param {{ rounds: number, redisUrl: string }} context
 * @returns {Promise<import("../lib/report.mjs").BenchmarkRow[]>}
 */
export async function benchReceiptsIngest({ rounds, redisUrl }) {
  const prefix = PRODUCER_DEFAULTS.prefix;
  const keys = deliveryKeys(prefix);
  const references = Array.from({ length: REPORTS }, () => newDeliveryReference());
  const reports = signedReports({ references, keyId: KEY_ID, secret: SECRET });
  const admin = new Redis(redisUrl);
  /** @type {Array<{ close: () => Promise<void> }>} */
  const toClose = [];
  try {
    const settings = { redisUrl, keyId: KEY_ID, secret: SECRET };
    const subject = await startReceiverChild({ ...settings, mode: "subject" });
    toClose.push(subject);
    const baseline = await startReceiverChild({ ...settings, mode: "baseline" });
    toClose.push(baseline);
    const subjectPool = new Pool(subject.url, { connections: IN_FLIGHT });
    const baselinePool = new Pool(baseline.url, { connections: IN_FLIGHT });
    toClose.push(subjectPool, baselinePool);

    /**
     * @param {Pool} pool
     * @returns {Promise<IngestMeasurement>}
     */
    async function measure(pool) {
      const { elapsedMs, answerMs } = await postReports(pool, reports, IN_FLIGHT);
      return {
        perSecond: (REPORTS / elapsedMs) * 1000,
        p50Ms: percentile(answerMs, 0.5),
        p99Ms: percentile(answerMs, 0.99),
      };
    }

    /**
     * Checks, off the clock, that every report was written: the receipts app keeps a `state`
     * hash per report beside its reference hash, a `seen:` mark in that reference hash (which
     * then holds `sentAt`, the recipient and the mark), and nothing unmatched; the bare receiver
     * one hash per report, leaving the reference hashes as they were.
     * @param {"baseline" | "subject"} mode
     */
    async function checkStored(mode) {
      const stored = await admin.dbsize();
      const expected = 2 * REPORTS;
      const unmatched = await admin.llen(keys.unmatched);
      const fields = mode === "subject" ? 3 : 2;
      const pipeline = admin.pipeline();
      for (const reference of references) pipeline.hlen(keys.reference(reference));
      const lengths = (await pipeline.exec()) ?? [];
      const unlike = lengths.filter(([error, length]) => error || length !== fields).length;
      if (stored !== expected || unmatched !== 0 || unlike !== 0) {
        throw new Error(
          `the ${mode} receiver left ${stored} keys in Redis (${unmatched} unmatched, ${unlike} reference hashes without ${fields} fields), expected ${expected}`,
        );
      }
    }

    const results = await runRounds({
      rounds,
      beforeEach: async () => {
        await admin.flushall();
        // What the worker writes before each send: recipient → job id and the time it went out.
        const sentAt = String(Date.now());
        const pipeline = admin.pipeline();
        for (const report of reports) {
          const key = keys.reference(report.reference);
          pipeline
            .hset(key, "sentAt", sentAt, report.recipient, randomUUID())
            .expire(key, PRODUCER_DEFAULTS.keepCompletedSeconds);
        }
        await pipeline.exec();
      },
      contestants: {
        baseline: async () => {
          const measurement = await measure(baselinePool);
          await checkStored("baseline");
          return measurement;
        },
        subject: async () => {
          const measurement = await measure(subjectPool);
          await checkStored("subject");
          return measurement;
        },
      },
    });
    const base = results.baseline ?? [];
    const subj = results.subject ?? [];
    /**
     * @param {keyof IngestMeasurement} field
     * @param {boolean} higherIsBetter
     */
    const compare = (field, higherIsBetter) =>
      compareRounds(
        base.map((m) => m[field]),
        subj.map((m) => m[field]),
        { higherIsBetter },
      );
    const details = { reports: REPORTS, inFlight: IN_FLIGHT, reportsPerBody: 1 };
    return [
      {
        name: "receipts ingest vs bare node:http + HMAC + HSET",
        unit: "reports/s",
        ...compare("perSecond", true),
        target: 0.7,
        details,
      },
      {
        name: "receipts answer time p50",
        unit: "ms",
        ...compare("p50Ms", false),
        details,
      },
      {
        name: "receipts answer time p99",
        unit: "ms",
        ...compare("p99Ms", false),
        details,
      },
    ];
  } finally {
    await Promise.allSettled(toClose.reverse().map((part) => part.close()));
    admin.disconnect();
  }
}
