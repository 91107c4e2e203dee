/**
 * Typed errors of the deployment checks (`deploy check-pin`, `deploy smoke-test`). Like the registry's
 * errors, each carries a stable `code` that the CLI maps to its exit code.
 */

/** The stable codes of every deployment-check error. */
export type DeployCheckErrorCode =
  /** A file, directory, stack or endpoint that the check needs does not exist (exit code 2). */
  | 'NOT_FOUND'
  /** An input is malformed: an unreadable pinned-model document, a manifest that is not JSON (exit code 1). */
  | 'INVALID_INPUT'
  /** The check ran and failed: another model, an endpoint that failed, no data capture (exit code 5). */
  | 'CHECK_FAILED'
  /** An AWS request failed (exit code 3). */
  | 'AWS_ERROR';

/** The error of a deployment check. */
export class DeployCheckError extends Error {
  public readonly code: DeployCheckErrorCode;

  constructor(code: DeployCheckErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeployCheckError';
    this.code = code;
  }
}
