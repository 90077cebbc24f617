import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isKpnError, KPN_ERROR_KINDS, KpnError, type KpnErrorKind } from "../src/index.js";
import { oneSms, rejection } from "./support/client.js";
import { useFakeKpn } from "./support/use-fake-kpn.js";

type ErrorsModule = typeof import("../src/errors.js");

/**
 * A second copy of the package's errors module, as two versions in one `node_modules` would
 * give: the same source, compiled and loaded from elsewhere, so its class is another object.
 */
async function loadSecondCopy(dir: string): Promise<ErrorsModule> {
  const source = await readFile(new URL("../src/errors.ts", import.meta.url), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const file = join(dir, "errors.mjs");
  await writeFile(file, outputText);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as ErrorsModule;
}

describe("KpnError across copies of the package", () => {
  const fake = useFakeKpn();
  let dir: string;
  let copy: ErrorsModule;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kpn-client-copy-"));
    copy = await loadSecondCopy(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("an error made by a second copy is instanceof this KpnError, and the reverse", async () => {
    expect(copy.KpnError).not.toBe(KpnError);
    const theirs = new copy.KpnError({ code: "KPN_TIMEOUT", kind: "transient", message: "slow" });
    expect(theirs).toBeInstanceOf(KpnError);
    expect(theirs instanceof KpnError).toBe(true);
    expect(isKpnError(theirs)).toBe(true);

    const kpn = await fake.start({ send: (_request, response) => response.end("{}") });
    const ours = await rejection(fake.client(kpn).send(oneSms));
    expect(ours instanceof copy.KpnError).toBe(true);
    expect(copy.isKpnError(ours)).toBe(true);
  });

  it("an object carrying the registered brand passes instanceof KpnError", () => {
    const branded = Object.assign(new Error("from elsewhere"), {
      [Symbol.for("sms-relay.kpn-client.error")]: true,
      name: "KpnError",
      code: "KPN_NETWORK",
      kind: "transient",
      ambiguous: false,
    });
    expect(branded instanceof KpnError).toBe(true);
    expect(isKpnError(branded)).toBe(true);
  });

  it("other errors are not KpnErrors, whatever their name", () => {
    expect(new Error("x") instanceof KpnError).toBe(false);
    expect(Object.assign(new Error("x"), { name: "KpnError" }) instanceof KpnError).toBe(false);
    expect((null as unknown as object) instanceof KpnError).toBe(false);
    expect(isKpnError(Object.assign(new Error("x"), { name: "KpnError", code: "NOPE" }))).toBe(
      false,
    );
  });

  it("an unbranded error of an older copy is still recognised by isKpnError", () => {
    const older = Object.assign(new Error("old"), { name: "KpnError", code: "KPN_REJECTED" });
    expect(isKpnError(older)).toBe(true);
  });

  it("the brand stays out of JSON and the error's own keys", () => {
    const error = new KpnError({ code: "KPN_REJECTED", kind: "permanent", message: "no" });
    expect(Object.getOwnPropertySymbols(error)).toEqual([]);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "KpnError",
      code: "KPN_REJECTED",
      kind: "permanent",
      ambiguous: false,
    });
  });

  it("exports every kind, for callers that check a kind read from elsewhere", () => {
    const kinds: readonly KpnErrorKind[] = KPN_ERROR_KINDS;
    expect([...kinds].sort()).toEqual(["auth", "permanent", "rate_limited", "transient"]);
  });
});
