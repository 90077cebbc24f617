import { beforeAll, describe, expect, it } from "vitest";
import { type Rendering, renderShipped } from "../src/renderings.js";
import { validateObject } from "../src/validate-objects.js";

let renderings: Rendering[];
beforeAll(async () => {
  renderings = await renderShipped();
});

describe("every shipped kustomization", () => {
  it("renders to objects that the Kubernetes and KEDA schemas accept", () => {
    for (const { name, objects } of renderings) {
      expect(objects.length, name).toBeGreaterThan(0);
      expect(objects.flatMap(validateObject), name).toEqual([]);
    }
  });
});

describe("the schema check", () => {
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "worker", labels: { "app.kubernetes.io/name": "sms-relay" } },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": "sms-relay" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "sms-relay" } },
        spec: { containers: [{ name: "worker", image: "sms-relay-worker" }] },
      },
    },
  };

  it("accepts a well-formed object", () => {
    expect(validateObject(deployment)).toEqual([]);
  });

  it("reports a misspelt field, as the API server's strict field validation does", () => {
    const misspelt = structuredClone(deployment);
    Object.assign(misspelt.spec.template.spec.containers[0]!, { readinessprobe: {} });
    expect(validateObject(misspelt)).toEqual([
      "Deployment.apps/worker: unknown field spec.template.spec.containers.0.readinessprobe",
    ]);
  });

  it("reports a value of the wrong type and a missing required field", () => {
    const wrong = structuredClone(deployment);
    Object.assign(wrong.spec.template.spec.containers[0]!, { ports: [{ containerPort: "9464" }] });
    expect(validateObject(wrong).join("\n")).toMatch(/containerPort must be integer/);
    const scaled = {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "worker" },
      spec: { scaleTargetRef: { name: "worker" }, minReplicaCount: "1" },
    };
    const problems = validateObject(scaled).join("\n");
    expect(problems).toMatch(/minReplicaCount must be integer/);
    expect(problems).toMatch(/triggers/);
  });

  it("leaves free maps alone: labels, ConfigMap data, a Service's selector, a trigger's metadata", () => {
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "receipts", annotations: { "any.example/key": "x" } },
      spec: { selector: { "app.kubernetes.io/component": "receipts" }, ports: [{ port: 8090 }] },
    };
    expect(validateObject(service)).toEqual([]);
  });

  it("refuses a kind it has no schema for", () => {
    expect(
      validateObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "sms-relay" } }),
    ).toEqual(["Namespace/sms-relay: no schema for v1 Namespace"]);
  });
});
