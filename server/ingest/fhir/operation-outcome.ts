// FHIR OperationOutcome: how the /ingest/fhir endpoint answers, errors included.
import { AppError } from '../../errors.ts';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';
/** A subset of http://hl7.org/fhir/issue-type. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'not-supported'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'too-costly'
  | 'throttled'
  | 'timeout'
  | 'transient'
  | 'conflict'
  | 'exception'
  | 'informational'
  | 'processing';

export interface OutcomeIssue {
  severity: IssueSeverity;
  code: IssueType;
  diagnostics: string;
  /** FHIRPath of the element in error, e.g. `AuditEvent.agent[0].requestor`. */
  expression?: string[];
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OutcomeIssue[];
}

export function operationOutcome(issue: OutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue };
}

/** The issue type for one of the project's errors. */
export function issueTypeOf(error: AppError): IssueType {
  switch (error.status) {
    case 400:
      return error.code === 'body.malformed' ? 'structure' : 'invalid';
    case 401:
      return 'login';
    case 403:
      return 'forbidden';
    case 408:
      return 'timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'too-costly';
    case 415:
      return 'not-supported';
    case 429:
      return 'throttled';
    case 503:
      return 'transient';
    default:
      return 'exception';
  }
}
