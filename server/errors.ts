// The project's own errors. Services throw them; the HTTP error middleware maps
// them to { error: { code, message, requestId } } with the status below.
export type ErrorDetails = Record<string, unknown>;

export abstract class AppError extends Error {
  abstract readonly status: number;
  constructor(
    /** Stable, machine-readable code, e.g. `incident.not_found`. */
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is wrong; `details.issues` says where. */
export class Invalid extends AppError {
  readonly status = 400;
}
/** 401: no valid session or token. */
export class Unauthorized extends AppError {
  readonly status = 401;
}
/** 403: authenticated, but not allowed. */
export class Forbidden extends AppError {
  readonly status = 403;
}
export class NotFound extends AppError {
  readonly status = 404;
}
/** 408: the request took too long to arrive (a body sent too slowly). */
export class RequestTimeout extends AppError {
  readonly status = 408;
}
/** 409: the state changed underneath, or the thing already exists. */
export class Conflict extends AppError {
  readonly status = 409;
}
/** 413: the request body is too large. */
export class TooLarge extends AppError {
  readonly status = 413;
}
/** 429: slow down; `retryAfterSeconds` goes into the Retry-After header. */
export class TooManyRequests extends AppError {
  readonly status = 429;
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
    details?: ErrorDetails,
  ) {
    super(code, message, details);
  }
}
/** 503: temporarily unable (back-pressure, shutting down). */
export class Unavailable extends AppError {
  readonly status = 503;
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds?: number,
    details?: ErrorDetails,
  ) {
    super(code, message, details);
  }
}
/** 507: the database or the data directory has no space left; nothing was written. */
export class InsufficientStorage extends AppError {
  readonly status = 507;
}
