import { Cron } from "croner";
import type { LocalExecutorLog } from "./executor";
import { EVENT_SCHEDULED_TIMER, type EventRecord } from "./protocol";
import type { Registration } from "./registrations";

// Scheduling: cron-triggered functions on their schedules (croner; an optional `TZ=Zone/Name ` prefix; 6 fields =
// with seconds), each tick claimed first when several processes run the same schedules.

type CronOptions = {
  registrations: Registration[];
  log: LocalExecutorLog;
  now: () => Date;
  newEvent: (name: string, data: unknown) => EventRecord;
  startRun: (reg: Registration, event: EventRecord) => Promise<void> | undefined;
  track: (work: Promise<void>) => Promise<void>;
  claimCronTick?: (functionId: string, scheduledAt: Date) => Promise<boolean>;
};

function parseCron(raw: string): { pattern: string; timezone?: string } {
  const match = /^\s*(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(raw);
  return match?.[1] && match[2] ? { timezone: match[1], pattern: match[2].trim() } : { pattern: raw.trim() };
}

export function createCronScheduler({ registrations, log, now, newEvent, startRun, track, claimCronTick }: CronOptions) {
  let cronJobs: Cron[] = [];
  const cronEvent = (cron: string) => newEvent(EVENT_SCHEDULED_TIMER, { cron });

  // The tick a firing belongs to: the latest scheduled time up to now (croner fires a few ms after it, and a busy
  // event loop may delay it further), so every process names the same tick whatever its delay.
  const claimAndStart = async (reg: Registration, raw: string, job: Cron) => {
    if (claimCronTick) {
      const scheduledAt = job.previousRuns(1, new Date(now().getTime() + 1000))[0] ?? now();
      try {
        if (!(await claimCronTick(reg.id, scheduledAt))) {
          log.info({ functionId: reg.id, scheduledAt: scheduledAt.toISOString() }, "local executor: cron tick claimed by another process");
          return;
        }
      } catch (err) {
        log.warn({ functionId: reg.id, err }, "local executor: could not claim the cron tick; skipped");
        return;
      }
    }
    if (!cronJobs.includes(job)) return; // stopCrons() was called while the claim was out
    await startRun(reg, cronEvent(raw));
  };

  return {
    startCrons() {
      if (cronJobs.length) return;
      for (const reg of registrations) {
        for (const raw of reg.crons) {
          const { pattern, timezone } = parseCron(raw);
          try {
            cronJobs.push(
              new Cron(pattern, { timezone, unref: true, catch: true }, (job) => {
                // In flight from the moment the timer fires: idle() waits for the claim too, not only for the run.
                void track(claimAndStart(reg, raw, job));
              }),
            );
          } catch (err) {
            log.error({ functionId: reg.id, cron: raw, err }, "local executor: invalid cron pattern; schedule skipped");
          }
        }
      }
      log.info({ crons: cronJobs.length }, "local executor: cron schedules started");
    },
    stopCrons() {
      for (const job of cronJobs) job.stop();
      cronJobs = [];
    },
    async runCronNow(functionId: string) {
      const reg = registrations.find((r) => r.id === functionId || r.shortId === functionId);
      if (!reg) throw new Error(`local executor: unknown function "${functionId}"`);
      if (!reg.crons.length) throw new Error(`local executor: function "${functionId}" has no cron trigger`);
      await startRun(reg, cronEvent(reg.crons[0] ?? ""));
    },
  };
}
