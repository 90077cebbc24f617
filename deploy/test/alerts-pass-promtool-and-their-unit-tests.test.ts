import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requirePromtool, runPromtool } from "@sms-relay/testing";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  deployPath,
  readAlertRules,
  readDashboardQueries,
  withoutGrafanaVariables,
} from "./support/queries.js";

const promtool = await requirePromtool();

interface RuleTest {
  name?: string;
  alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
}

describe.skipIf(!promtool)("the Prometheus files, checked by promtool", () => {
  it("alerts.yml passes `promtool check rules`", async () => {
    const run = await runPromtool(["check", "rules", deployPath("prometheus/alerts.yml")]);
    expect(run.stdout + run.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(run.code, run.stderr).toBe(0);
  });

  it("alerts.test.yml passes `promtool test rules`", async () => {
    const run = await runPromtool(["test", "rules", deployPath("prometheus/alerts.test.yml")]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("SUCCESS");
  });

  it("prometheus.yml passes `promtool check config`, with the rules it names", async () => {
    const run = await runPromtool(["check", "config", deployPath("prometheus/prometheus.yml")]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("alerts.yml");
  });

  it("every dashboard query is valid PromQL", async () => {
    const queries = readDashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    // promtool checks the expression of every rule: one recording rule per query.
    const rules = {
      groups: [
        {
          name: "dashboard-queries",
          rules: queries.map((query, index) => ({
            record: `dashboard:query_${index}`,
            expr: withoutGrafanaVariables(query.expr),
          })),
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), "sms-relay-dashboard-"));
    try {
      const file = join(dir, "queries.yml");
      writeFileSync(file, stringify(rules));
      const run = await runPromtool(["check", "rules", file]);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the unit tests of the alerts", () => {
  const tests = (
    parse(readFileSync(deployPath("prometheus/alerts.test.yml"), "utf8")) as { tests: RuleTest[] }
  ).tests;
  const cases = tests.flatMap((test) => test.alert_rule_test ?? []);

  it("cover every alert of alerts.yml, both firing and not firing", () => {
    const alerts = readAlertRules().map((rule) => rule.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(6);
    for (const alert of alerts) {
      const ofAlert = cases.filter((c) => c.alertname === alert);
      expect(
        ofAlert.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires in some case`,
      ).toBe(true);
      expect(
        ofAlert.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet in some case`,
      ).toBe(true);
    }
    // And test no alert that does not exist.
    for (const c of cases) expect(alerts, c.alertname).toContain(c.alertname);
  });

  it("watch what the issue asks for", () => {
    const exprs = readAlertRules()
      .map((rule) => rule.expr)
      .join("\n");
    for (const metric of [
      "sms_dead_letter_jobs",
      "sms_worker_ready",
      "sms_ambiguous_failures_total",
      'kpn_request_duration_seconds_count{outcome="rate_limited"}',
      "sms_queue_oldest_waiting_seconds",
      "sms_dlr_reports_total",
      // Every worker or receipts app gone: with DNS service discovery no `up == 0` is left.
      'absent(up{job="sms-worker"} == 1)',
      'absent(up{job="sms-receipts"} == 1)',
    ]) {
      expect(exprs, metric).toContain(metric);
    }
  });

  it("name only jobs that prometheus.yml scrapes", () => {
    // A job named otherwise matches nothing: SmsWorkerDown would never fire, and the absent()
    // alerts would fire for ever.
    const config = parse(readFileSync(deployPath("prometheus/prometheus.yml"), "utf8")) as {
      scrape_configs: { job_name: string }[];
    };
    const jobs = config.scrape_configs.map((scrape) => scrape.job_name);
    for (const rule of readAlertRules()) {
      const named = [...rule.expr.matchAll(/\bjob="([^"]+)"/g)].map((match) => match[1]);
      for (const job of [...named, ...(rule.labels?.job ? [rule.labels.job] : [])]) {
        expect(jobs, `${rule.alert} names job ${job}`).toContain(job);
      }
    }
    expect(jobs).toEqual(expect.arrayContaining(["sms-worker", "sms-receipts"]));
  });
});
