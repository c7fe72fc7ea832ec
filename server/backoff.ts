// Back-off for background jobs whose run failed (the database is down, the
// disk is full): wait longer after each failure in a row, up to a ceiling, so
// that a job keeps trying without hammering a server that is coming back.
export function backoffMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}
