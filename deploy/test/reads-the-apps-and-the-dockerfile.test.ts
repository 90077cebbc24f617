import { receiptsEnvSchema } from "@sms-relay/receipts";
import { workerEnvSchema } from "@sms-relay/worker";
import { describe, expect, it } from "vitest";
import { appEnvNames, appFixedGraceMs, shutdownMarginMs } from "../src/app-sources.js";
import { imageTarget, parseDockerfile, readDockerfileTargets } from "../src/dockerfile-targets.js";

describe("the variables each app reads", () => {
  it("are the keys of the schema its env.ts exports, where it exports one", async () => {
    expect([...(await appEnvNames("apps/worker"))].sort()).toEqual(
      Object.keys(workerEnvSchema.shape).sort(),
    );
    expect([...(await appEnvNames("apps/receipts"))].sort()).toEqual(
      Object.keys(receiptsEnvSchema.shape).sort(),
    );
  });

  it("are read from the source of the apps that export no schema", async () => {
    const dashboard = await appEnvNames("apps/dashboard");
    for (const name of ["DASHBOARD_PORT", "DASHBOARD_HOST", "DASHBOARD_USER", "REDIS_URL"]) {
      expect(dashboard).toContain(name);
    }
    expect(await appEnvNames("apps/kpn-sandbox")).toContain("SANDBOX_CLIENT_SECRET");
  });

  it("come with the shutdown times of main.ts and of the shared handler", async () => {
    expect(await appFixedGraceMs("apps/receipts")).toBe(5000);
    expect(await appFixedGraceMs("apps/dashboard")).toBe(5000);
    expect(await appFixedGraceMs("apps/kpn-sandbox")).toBe(5000);
    expect(await appFixedGraceMs("apps/worker")).toBeUndefined();
    expect(await shutdownMarginMs()).toBe(2000);
  });
});

describe("the Dockerfile", () => {
  it("has a target for each app, with the app its command runs and the ENV it inherits", async () => {
    const targets = await readDockerfileTargets();
    expect(targets.get("worker")).toMatchObject({ app: "apps/worker" });
    expect(targets.get("dashboard")).toMatchObject({
      app: "apps/dashboard",
      env: { NODE_ENV: "production", DASHBOARD_HOST: "0.0.0.0", DASHBOARD_PORT: "3000" },
    });
    expect(targets.get("receipts")).toMatchObject({
      app: "apps/receipts",
      env: { RECEIPTS_HOST: "0.0.0.0", RECEIPTS_PORT: "8090" },
    });
    expect(targets.get("kpn-sandbox")).toMatchObject({ app: "apps/kpn-sandbox" });
    expect(targets.get("cli")).toMatchObject({ app: "apps/cli" });
  });

  it("is read with continued lines, comments and quoted values", () => {
    const targets = parseDockerfile(
      [
        "FROM node:20 AS runtime",
        "ENV A=1 \\",
        "    # a comment inside",
        '    B="two"',
        "FROM runtime AS app",
        'CMD ["node", "apps/app/dist/main.js"]',
      ].join("\n"),
    );
    expect(targets.get("app")).toEqual({
      name: "app",
      env: { A: "1", B: "two" },
      app: "apps/app",
    });
  });

  it("names the target of an image by its last path segment", () => {
    expect(imageTarget("sms-relay-worker")).toBe("worker");
    expect(imageTarget("registry.example.com:5000/team/sms-relay-kpn-sandbox:0.1.0")).toBe(
      "kpn-sandbox",
    );
    expect(imageTarget("ghcr.io/x/sms-relay-receipts@sha256:abc")).toBe("receipts");
    expect(imageTarget("redis:7.4-alpine")).toBeUndefined();
  });
});
