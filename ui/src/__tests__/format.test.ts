import { ApiError, toUiError } from "../api";
import { describeEstimate, describeScale, formatDuration, formatElapsed, formatLine, formatValue, PLATFORM_SCALES } from "../format";
import { verdict } from "../steps/ResultsStep";
import { runView } from "../test/backend";

describe("formatting", () => {
  it.each([
    [0.2, "under a second"],
    [42, "42 s"],
    [150, "2 min 30 s"],
    [180, "3 min"],
    [3900, "1 h 5 min"],
    [7200, "2 h"],
  ])("formats %s seconds as %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("formats elapsed milliseconds", () => {
    expect(formatElapsed(350)).toBe("350 ms");
    expect(formatElapsed(2300)).toBe("2.3 s");
    expect(formatElapsed(125_000)).toBe("2 min 5 s");
  });

  it("describes the request estimate with and without a rate limit", () => {
    expect(describeEstimate(0, 0, 300)).toBe("No write requests");
    expect(describeEstimate(1200, 240, 300)).toBe("1,200 write requests, about 4 min at 300/min");
    expect(describeEstimate(3, null, null)).toBe("3 write requests, no published limit");
  });

  it("describes each platform's scale", () => {
    expect(describeScale("genesys", PLATFORM_SCALES.genesys)).toBe("Genesys Cloud: 0–5, higher is better");
    expect(describeScale("cxone", PLATFORM_SCALES.cxone)).toBe("NICE CXone: 1–20 whole numbers, 1 is best");
  });

  it("shows values without float noise", () => {
    expect(formatValue(null)).toBe("—");
    expect(formatValue(2.5)).toBe("2.5");
    expect(formatValue(0.1 + 0.2)).toBe("0.3");
  });

  it("gives each run a verdict", () => {
    expect(verdict(runView()).text).toBe("All 150 changes applied and verified");
    expect(verdict(runView({}, { added: 0, updated: 0 })).text).toBe("Nothing to change: the platform already matched");
    expect(verdict(runView({}, { failed: 2 })).text).toBe("2 rows failed");
    expect(verdict(runView({ cancelled: true }, { failed: 2 })).tone).toBe("warn");
  });
});

describe("toUiError", () => {
  it("keeps a command's code and message", () => {
    expect(toUiError({ code: "auth.failed", message: "bad secret" })).toEqual({ code: "auth.failed", message: "bad secret" });
    expect(toUiError(new ApiError({ code: "cancelled", message: "the run was cancelled" }))).toEqual({ code: "cancelled", message: "the run was cancelled" });
  });

  it("gives IPC failures that are not command errors their own code", () => {
    expect(toUiError("command plan not found")).toEqual({ code: "ipc.failed", message: "command plan not found" });
    expect(toUiError(new Error("boom"))).toEqual({ code: "ipc.failed", message: "boom" });
  });
});

describe("formatLine", () => {
  it("shows no line for a removal of a skill the feed does not list", () => {
    expect(formatLine(0)).toBe("—");
    expect(formatLine(12)).toBe("12");
  });
});
