import { describe, expect, it, vi } from "vitest";

// In a zone where 23:30 UTC is already the next day, set before the formatters are built: the text must still be UTC's.
vi.stubEnv("TZ", "Asia/Tokyo");
const { calendarDate, formatDate, formatDateTime, formatDateTimeSeconds, formatDay, formatTime } = await import("./format");

describe("date formats", () => {
  const at = new Date("2026-11-28T23:30:09Z");

  it("shows dates and times in UTC, day before month", () => {
    expect(formatDate(at)).toBe("28 Nov 2026");
    expect(formatDateTime(at)).toBe("28 Nov 2026, 23:30");
    expect(formatDateTimeSeconds(at)).toBe("28 Nov 2026, 23:30:09");
    expect(formatDay(at)).toBe("28 Nov");
    expect(formatTime(at)).toBe("23:30");
  });

  it("reads a calendar date as that day, and shows what is not one as it is", () => {
    expect(formatDate("2026-02-01")).toBe("1 Feb 2026");
    expect(formatDay("2026-12-31")).toBe("31 Dec");
    expect(calendarDate("2026-19-99")).toBeNull();
    expect(formatDate("2026-19-99")).toBe("2026-19-99");
  });
});
