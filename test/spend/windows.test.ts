import { describe, expect, it } from "vitest";
import { formatUsd, usdToMicros } from "../../src/money";
import { dayStart, monthStart, weekStart, windowEnd, windowStart } from "../../src/spend/windows";

const utc = (s: string) => Date.parse(s);

describe("usage windows", () => {
  it("UTC days", () => {
    expect(dayStart(utc("2031-01-05T23:59:59.999Z"))).toBe(utc("2031-01-05T00:00:00Z"));
    expect(windowEnd("daily", utc("2031-01-05T23:59:59Z"))).toBe(utc("2031-01-06T00:00:00Z"));
  });

  it("ISO weeks start on Monday", () => {
    expect(weekStart(utc("2031-01-05T23:59:00Z"))).toBe(utc("2030-12-30T00:00:00Z")); // Sunday → previous Monday
    expect(weekStart(utc("2031-01-06T00:00:00Z"))).toBe(utc("2031-01-06T00:00:00Z")); // Monday
    expect(weekStart(utc("2031-01-08T12:00:00Z"))).toBe(utc("2031-01-06T00:00:00Z"));
    expect(windowEnd("weekly", utc("2031-01-08T12:00:00Z"))).toBe(utc("2031-01-13T00:00:00Z"));
  });

  it("calendar months, leap years and year ends", () => {
    expect(monthStart(utc("2032-02-29T18:00:00Z"))).toBe(utc("2032-02-01T00:00:00Z"));
    expect(windowEnd("monthly", utc("2032-02-29T18:00:00Z"))).toBe(utc("2032-03-01T00:00:00Z"));
    expect(windowEnd("monthly", utc("2031-12-31T23:00:00Z"))).toBe(utc("2032-01-01T00:00:00Z"));
    expect(windowStart("monthly", utc("2031-12-31T23:00:00Z"))).toBe(utc("2031-12-01T00:00:00Z"));
  });
});

describe("money", () => {
  it("converts and formats", () => {
    expect(usdToMicros(12.5)).toBe(12_500_000);
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1_500_000)).toBe("$1.50");
    expect(formatUsd(2_000_000)).toBe("$2.00");
    expect(formatUsd(1_234)).toBe("$0.001234");
    expect(formatUsd(400_000)).toBe("$0.40");
  });
});
