/**
 * Typed errors of the model-registry client. Every error carries a stable `code` that callers (the CLI,
 * Lambda handlers, pipelines) switch on instead of parsing messages, and a message that names the
 * operation, the model package group or package, and (for AWS failures) the HTTP status code.
 */

/** The stable codes of every registry error. */
export type RegistryErrorCode =
  | 'NO_APPROVED_MODEL'
  | 'GROUP_NOT_FOUND'
  | 'MODEL_PACKAGE_NOT_FOUND'
  | 'INVALID_INPUT'
  | 'AWS_ERROR';

/** What a registry error is about. */
export interface RegistryErrorContext {
  /** The SageMaker API operation, e.g. `ListModelPackages`. */
  readonly operation?: string;
  /** The model package group. */
  readonly group?: string;
  /** The model package ARN. */
  readonly modelPackageArn?: string;
}

/** The base class of every error the registry client throws. */
export class RegistryError extends Error {
  public readonly code: RegistryErrorCode;
  public readonly operation?: string;
  public readonly group?: string;
  public readonly modelPackageArn?: string;

  constructor(code: RegistryErrorCode, message: string, context: RegistryErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.operation = context.operation;
    this.group = context.group;
    this.modelPackageArn = context.modelPackageArn;
  }
}

/** The group exists but has no version with the status `Approved`. */
export class NoApprovedModelError extends RegistryError {
  constructor(group: string) {
    super(
      'NO_APPROVED_MODEL',
      `model package group "${group}" has no approved model package: approve a version first ` +
        '(mlops-blueprint registry approve --arn <model package arn> --reason <why>)',
      { operation: 'ListModelPackages', group },
    );
  }
}

/** The model package group does not exist (in this account and region). */
export class ModelPackageGroupNotFoundError extends RegistryError {
  constructor(group: string, region: string | undefined, options?: { cause?: unknown }) {
    super(
      'GROUP_NOT_FOUND',
      `model package group "${group}" does not exist${region ? ` in ${region}` : ''}: check the group name, the account ` +
        '(credentials) and the region (AWS_REGION)',
      { operation: 'DescribeModelPackageGroup', group },
      options,
    );
  }
}

/** The model package does not exist. */
export class ModelPackageNotFoundError extends RegistryError {
  constructor(operation: string, modelPackageArn: string, options?: { cause?: unknown }) {
    super('MODEL_PACKAGE_NOT_FOUND', `${operation}: model package "${modelPackageArn}" does not exist`, { operation, modelPackageArn }, options);
  }
}

/** The caller passed a value the SageMaker API would refuse; nothing was sent. */
export class RegistryInputError extends RegistryError {
  constructor(operation: string, message: string, context: RegistryErrorContext = {}) {
    super('INVALID_INPUT', `${operation}: ${message}`, { ...context, operation });
  }
}

/** A SageMaker request failed: a non-retryable error, or a retryable one that outlasted the retry budget. */
export class RegistryRequestError extends RegistryError {
  /** The HTTP status code of the last response, if a response was received. */
  public readonly statusCode?: number;
  /** The AWS error code of the last response (e.g. `ThrottlingException`), or the network error code. */
  public readonly awsErrorCode?: string;
  /** How many requests were sent. */
  public readonly attempts: number;
  /** Whether the last failure was retryable (so the retry budget ran out). */
  public readonly retryable: boolean;
  /** Milliseconds from the first attempt to the failure. */
  public readonly elapsedMs: number;

  constructor(props: {
    operation: string;
    target: string;
    group?: string;
    modelPackageArn?: string;
    statusCode?: number;
    awsErrorCode?: string;
    awsMessage?: string;
    attempts: number;
    retryable: boolean;
    elapsedMs: number;
    reason?: string;
    cause?: unknown;
  }) {
    const status = props.statusCode !== undefined ? `HTTP ${props.statusCode}` : 'no HTTP response';
    const code = props.awsErrorCode ? ` ${props.awsErrorCode}` : '';
    const detail = props.awsMessage ? `: ${props.awsMessage}` : '';
    const tries = `${props.attempts} attempt${props.attempts === 1 ? '' : 's'} in ${props.elapsedMs} ms`;
    const why = props.reason ? `; ${props.reason}` : '';
    super(
      'AWS_ERROR',
      `${props.operation} failed for ${props.target} (${status}${code}${detail}) after ${tries}${why}`,
      { operation: props.operation, group: props.group, modelPackageArn: props.modelPackageArn },
      { cause: props.cause },
    );
    this.statusCode = props.statusCode;
    this.awsErrorCode = props.awsErrorCode;
    this.attempts = props.attempts;
    this.retryable = props.retryable;
    this.elapsedMs = props.elapsedMs;
  }
}
