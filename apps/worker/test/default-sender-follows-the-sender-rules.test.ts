import { validateSender } from "@sms-relay/sms";
import { describe, expect, it } from "vitest";
import { parseWorkerEnv, WorkerConfigError } from "../src/env.js";

const required = { KPN_CLIENT_ID: "client-id", KPN_CLIENT_SECRET: "s3cr3t-value" };

function accepts(sender: string): boolean {
  try {
    validateSender(sender);
    return true;
  } catch {
    return false;
  }
}

describe("SMS_DEFAULT_SENDER", () => {
  it.each(["My-Shop", "Bakker & Co", "K.P.N.", "1234"])(
    "accepts %j, as the producer does",
    (sender) => {
      expect(accepts(sender)).toBe(true);
      expect(parseWorkerEnv({ ...required, SMS_DEFAULT_SENDER: sender }).defaultSender).toBe(
        sender,
      );
    },
  );

  it.each(["+31612345678", "ThisSenderIsTooLong", "Shop€", "België"])(
    "refuses %j at start, as the producer would refuse it on every send",
    (sender) => {
      expect(accepts(sender)).toBe(false);
      expect(() => parseWorkerEnv({ ...required, SMS_DEFAULT_SENDER: sender })).toThrow(
        WorkerConfigError,
      );
      try {
        parseWorkerEnv({ ...required, SMS_DEFAULT_SENDER: sender });
      } catch (error) {
        expect((error as WorkerConfigError).variables).toEqual(["SMS_DEFAULT_SENDER"]);
      }
    },
  );
});
