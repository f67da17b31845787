import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "~/clock.server";
import { registerJobs, runDueJobs, type JobDefinition } from "~/jobs/scheduler.server";

afterEach(() => setClock(null));

function counter(name: string, intervalSeconds: number) {
  const job = { name, intervalSeconds, runs: 0, run: async () => `${++job.runs}` };
  return job;
}

describe("scheduled jobs", () => {
  it("runs a due job once per interval, on whichever server claims it", async () => {
    let now = Date.now();
    setClock({ now: () => new Date(now) });
    const hourly = counter("test-hourly", 3600);
    const jobs: JobDefinition[] = [hourly];
    await registerJobs(jobs);
    await runDueJobs(jobs);
    expect(hourly.runs).toBe(1);
    await runDueJobs(jobs);
    expect(hourly.runs).toBe(1);
    now += 3601_000;
    // Two servers polling at the same moment: only one runs it.
    await Promise.all([runDueJobs(jobs), runDueJobs(jobs)]);
    expect(hourly.runs).toBe(2);
  });

  it("keeps going when a job fails, and records the error", async () => {
    const failing: JobDefinition = {
      name: "test-failing",
      intervalSeconds: 60,
      run: async () => {
        throw new Error("mail server down");
      },
    };
    const fine = counter("test-fine", 60);
    await registerJobs([failing, fine]);
    await runDueJobs([failing, fine]);
    expect(fine.runs).toBe(1);
  });
});
