import { INVALID_SPAN_CONTEXT, TraceFlags } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { spanContextOfTraceparent, traceparentOf } from "../src/index.js";

const SAMPLED = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  traceFlags: TraceFlags.SAMPLED,
};

describe("traceparent", () => {
  it("writes a span context as W3C traceparent and reads it back as a remote one", () => {
    const text = traceparentOf(SAMPLED);
    expect(text).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(spanContextOfTraceparent(text)).toEqual({ ...SAMPLED, isRemote: true });
    expect(traceparentOf({ ...SAMPLED, traceFlags: TraceFlags.NONE })).toMatch(/-00$/);
  });

  it("gives nothing for a span that records nothing (no SDK)", () => {
    expect(traceparentOf(INVALID_SPAN_CONTEXT)).toBeUndefined();
  });

  it.each([
    [undefined],
    [null],
    [""],
    ["01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],
    ["garbage"],
  ])("reads %j as no context", (value) => {
    expect(spanContextOfTraceparent(value)).toBeUndefined();
  });
});
