import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The folder of this package: `deploy/`. */
export const DEPLOY_DIR = fileURLToPath(new URL("../../", import.meta.url));

/** Path of a file of this package, e.g. `prometheus/alerts.yml`. */
export const deployPath = (relative: string) => join(DEPLOY_DIR, relative);

/** One alerting rule of `prometheus/alerts.yml`. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alerting rules of `prometheus/alerts.yml`, every group's. */
export function readAlertRules(): AlertRule[] {
  const file = parse(readFileSync(deployPath("prometheus/alerts.yml"), "utf8")) as {
    groups: { rules: AlertRule[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

/** One query of the Grafana dashboards, with where it is. */
export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** The dashboard files of `grafana/dashboards/`. */
export const DASHBOARD_FILES = ["grafana/dashboards/sms-relay.json"];

/** Every PromQL query of every dashboard panel (rows' panels included). */
export function readDashboardQueries(): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const file of DASHBOARD_FILES) {
    const dashboard = JSON.parse(readFileSync(deployPath(file), "utf8")) as { panels: Panel[] };
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if (target.expr)
            queries.push({ dashboard: file, panel: panel.title ?? "", expr: target.expr });
        }
        walk(panel.panels ?? []);
      }
    };
    walk(dashboard.panels);
  }
  return queries;
}

/** Grafana's interval variables in a query, replaced by a duration Prometheus takes. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, "5m");
}
