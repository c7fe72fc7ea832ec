// Runs `total` jobs with `inFlight` of them at once, as concurrent requests would.
//
// `pauseEvery`: after that many jobs have finished, no lane starts another for
// `pauseMs`. Two processes writing one SQLite file take the write lock in
// turns only when the holder lets go for longer than the waiter's busy-handler
// sleep (up to 100 ms): without a pause, a process whose lanes queue back to
// back can keep the lock for all its jobs, and the other appends after it —
// correct, but then the chain does not show that they ran at the same time.
import { setTimeout as sleep } from 'node:timers/promises';

export interface LaneOptions {
  total: number;
  inFlight: number;
  pauseEvery?: number;
  pauseMs?: number;
}

export async function runLanes(
  options: LaneOptions,
  job: (i: number) => Promise<unknown>,
): Promise<{ maxInFlight: number }> {
  const { total, inFlight, pauseEvery = 0, pauseMs = 150 } = options;
  let next = 0;
  let finished = 0;
  let now = 0;
  let maxInFlight = 0;
  let gate: Promise<void> | undefined;
  const lane = async () => {
    for (;;) {
      while (gate) await gate;
      if (next >= total) return;
      const i = next++;
      now += 1;
      maxInFlight = Math.max(maxInFlight, now);
      try {
        await job(i);
      } finally {
        now -= 1;
      }
      finished += 1;
      if (pauseEvery > 0 && finished % pauseEvery === 0 && finished < total && !gate) {
        gate = sleep(pauseMs).then(() => {
          gate = undefined;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { maxInFlight };
}
