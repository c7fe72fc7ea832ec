// Flow control at the HTTP ingest edge. A body has a deadline, so that a sender
// trickling bytes cannot hold a writer place for minutes; and an answer given
// because the server is stopping closes its connection, so that a keep-alive
// client gets a clear 503 and then reconnects elsewhere instead of a reset.
import type { NextFunction, Request, Response } from 'express';
import { AppError, RequestTimeout } from '../../errors.ts';

/**
 * Resolves with `reading` (the body being received) or, after `seconds`,
 * rejects with 408 `ingest.body_timeout` and marks the answer `Connection:
 * close`: the route then frees its writer place and the rest of the body is
 * never read.
 */
export async function withinBodyDeadline<T>(res: Response, seconds: number, reading: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      res.setHeader('Connection', 'close');
      reject(
        new RequestTimeout(
          'ingest.body_timeout',
          `The request body took longer than ${seconds} s to arrive (VIGIE_INGEST_BODY_TIMEOUT_SECONDS); nothing was kept: send it again, faster or in smaller batches`,
          { timeoutSeconds: seconds },
        ),
      );
    }, seconds * 1000);
  });
  // Once the deadline has answered, how the abandoned read ends (the connection closing) matters to nobody.
  reading.catch(() => undefined);
  try {
    return await Promise.race([reading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Error middleware: a `503 ingest.stopping` closes its connection. */
export function closeWhenStopping() {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof AppError && err.code === 'ingest.stopping' && !res.headersSent)
      res.setHeader('Connection', 'close');
    next(err);
  };
}
