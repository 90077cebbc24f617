import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import { DeliveryLedger } from "./delivery-ledger.js";
import { type DeliveryChain, type PlannedDelivery, planReports } from "./delivery-plan.js";
import { resolveDeliveryReports } from "./delivery-settings.js";
import { SandboxOptionsError } from "./errors.js";
import { createPrng } from "./prng.js";
import type {
  DeliveryReportStats,
  ReceivedSend,
  ReportAttempt,
  ResolvedSandboxDeliveryReports,
} from "./types.js";

/** KPN's gaps after the 1st, 2nd and 3rd failed attempt; the 4th failure drops the report. */
export const RETRY_GAPS_SECONDS = [60, 120, 240] as const;
/** Attempts per report body, the first included. */
export const MAX_ATTEMPTS = RETRY_GAPS_SECONDS.length + 1;

// Outcome draws use their own stream, so that reports never shift the faults of sends.
const REPORT_STREAM = 0x5bd1e995;

/** A report body held until it is delivered, dropped or cancelled. */
interface Held {
  delivery: PlannedDelivery;
  body: string;
  attempts: number;
  /** Starts the next body of the chain; called once, when the first attempt has ended. */
  next: (() => void) | undefined;
}

/** Sends the delivery reports of accepted sends and keeps the ledger of what became of them. */
export interface DeliveryReporter {
  /** Plans and schedules the reports of an accepted send; does nothing without a webhook_url. */
  reportOn(send: ReceivedSend): void;
  settings(): ResolvedSandboxDeliveryReports;
  /** Replaces the settings (keeping the key when left out) and re-seeds the draws. */
  setSettings(next: unknown): void;
  readonly ledger: DeliveryLedger;
  stats(): DeliveryReportStats;
  settled(timeoutMs: number): Promise<void>;
  /** Cancels every report still waiting, aborts POSTs in flight and clears the retry timers. */
  stop(): void;
}

function classify(error: unknown): ReportAttempt["result"] {
  return (error as { name?: unknown } | null)?.name === "TimeoutError" ? "timeout" : "error";
}

/** Creates the reporter of one sandbox. */
export function createDeliveryReporter(options: {
  settings: unknown;
  logger: Logger;
  maxRecorded: number;
}): DeliveryReporter {
  const { logger } = options;
  let settings = resolveDeliveryReports(options.settings);
  let random = createPrng(settings.seed ^ REPORT_STREAM);
  const ledger = new DeliveryLedger(options.maxRecorded);
  const held = new Set<Held>();
  const ready: Held[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const idle = new Set<() => void>();
  let inFlight = 0;
  // Bumped by stop(): attempts of an earlier generation end without touching anything.
  let generation = 0;
  let abort = new AbortController();

  function later(ms: number, run: () => void): void {
    // Even without a delay, never inside the send handler: the answer to the send goes first.
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  function release(entry: Held): void {
    held.delete(entry);
    if (held.size > 0) return;
    for (const resolve of idle) resolve();
    idle.clear();
  }

  function enqueue(entry: Held): void {
    ready.push(entry);
    pump();
  }

  function pump(): void {
    while (inFlight < settings.maxInFlight) {
      const entry = ready.shift();
      if (entry === undefined) return;
      void attempt(entry);
    }
  }

  async function post(entry: Held, attemptNumber: number): Promise<ReportAttempt["result"]> {
    const { keyId, secret, attemptTimeoutMs } = settings;
    const signature = createHmac("sha256", secret).update(entry.body).digest("hex");
    try {
      const res = await fetch(entry.delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-kpn-webhook-signature": signature,
          "x-kpn-webhook-timestamp": String(Math.floor(Date.now() / 1000)),
          "x-kpn-webhook-key-id": keyId,
          "x-kpn-webhook-attempt": String(attemptNumber),
        },
        body: entry.body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(attemptTimeoutMs), abort.signal]),
      });
      // Read to the end, so that the connection can be reused; the timeout covers this too.
      await res.arrayBuffer();
      return res.status;
    } catch (error) {
      return classify(error);
    }
  }

  async function attempt(entry: Held): Promise<void> {
    const started = generation;
    inFlight++;
    entry.attempts++;
    const attemptNumber = entry.attempts;
    const at = Date.now();
    ledger.attempted();
    const result = await post(entry, attemptNumber);
    if (started !== generation) return;
    inFlight--;
    for (const report of entry.delivery.reports) {
      report.attempts.push({ attempt: attemptNumber, at, result });
    }
    const next = entry.next;
    entry.next = undefined;
    if (typeof result === "number" && result >= 200 && result < 300) {
      for (const report of entry.delivery.reports) ledger.ended(report, "delivered");
      release(entry);
    } else if (attemptNumber >= MAX_ATTEMPTS) {
      for (const report of entry.delivery.reports) ledger.ended(report, "dropped");
      logger.warn(
        {
          documentId: entry.delivery.reports[0]?.report.document_id,
          reports: entry.delivery.reports.length,
          lastResult: result,
        },
        `delivery report dropped after ${MAX_ATTEMPTS} attempts`,
      );
      release(entry);
    } else {
      const gap = RETRY_GAPS_SECONDS[attemptNumber - 1] ?? 0;
      later(gap * 1000 * settings.timeScale, () => enqueue(entry));
    }
    next?.();
    pump();
  }

  function hold(delivery: PlannedDelivery): Held | undefined {
    if (held.size >= settings.maxQueued) {
      for (const report of delivery.reports) ledger.ended(report, "overflowed");
      return undefined;
    }
    const first = delivery.reports[0]?.report;
    const body = JSON.stringify(delivery.array ? delivery.reports.map((r) => r.report) : first);
    const entry: Held = { delivery, body, attempts: 0, next: undefined };
    held.add(entry);
    return entry;
  }

  function schedule(chain: DeliveryChain): void {
    const entries = chain.flatMap((delivery) => hold(delivery) ?? []);
    for (let index = 0; index + 1 < entries.length; index++) {
      const following = entries[index + 1] as Held;
      (entries[index] as Held).next = () => enqueue(following);
    }
    const first = entries[0];
    if (first !== undefined) later(settings.delayMs, () => enqueue(first));
  }

  return {
    ledger,
    reportOn(send) {
      if (!settings.enabled || send.webhookUrl === undefined) return;
      const withUrl = { ...send, webhookUrl: send.webhookUrl };
      const { chains, reports } = planReports(withUrl, settings, random, Date.now());
      for (const report of reports) ledger.planned(report);
      for (const chain of chains) schedule(chain);
    },
    settings: () => ({ ...settings }),
    setSettings(next) {
      settings = resolveDeliveryReports(next, { keyId: settings.keyId, secret: settings.secret });
      random = createPrng(settings.seed ^ REPORT_STREAM);
      pump();
    },
    stats: () => ledger.stats({ queued: held.size, inFlight }),
    settled(timeoutMs) {
      if (held.size === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          idle.delete(done);
          const message = `${held.size} delivery report bodies still waiting after ${timeoutMs} ms`;
          reject(new SandboxOptionsError("SANDBOX_REPORTS_NOT_SETTLED", message));
        }, timeoutMs);
        idle.add(done);
      });
    },
    stop() {
      generation++;
      abort.abort();
      abort = new AbortController();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const entry of held) {
        for (const report of entry.delivery.reports) {
          if (report.state === "waiting") ledger.ended(report, "cancelled");
        }
      }
      held.clear();
      ready.length = 0;
      inFlight = 0;
      for (const resolve of idle) resolve();
      idle.clear();
    },
  };
}
