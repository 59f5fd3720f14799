import { describe, expect, it } from "vitest";
import { userCpuCapCores } from "./cpu-cap";

describe("the per-user CPU cap setting", () => {
  it("is a quarter of the machine by default, at least a quarter of a core", () => {
    expect(userCpuCapCores({}, 2)).toBe(0.5);
    expect(userCpuCapCores({}, 8)).toBe(2);
    expect(userCpuCapCores({ STRATUS_USER_CPU_CAP: "" }, 1)).toBe(0.25);
  });

  it("takes cores, a fraction too, or off", () => {
    expect(userCpuCapCores({ STRATUS_USER_CPU_CAP: "0.75" }, 2)).toBe(0.75);
    expect(userCpuCapCores({ STRATUS_USER_CPU_CAP: "off" }, 2)).toBeNull();
  });

  it("refuses what is not a number of cores with the setting's name", () => {
    expect(() => userCpuCapCores({ STRATUS_USER_CPU_CAP: "lots" }, 2)).toThrow(
      /STRATUS_USER_CPU_CAP/,
    );
    expect(() => userCpuCapCores({ STRATUS_USER_CPU_CAP: "0" }, 2)).toThrow(/at least 0\.05/);
  });
});
