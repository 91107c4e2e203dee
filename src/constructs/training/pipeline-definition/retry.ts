/** The step failures a `RetryPolicy.step` retries (`Step.*` exception types). */
export enum StepExceptionType {
  /** `Step.SERVICE_FAULT`: an internal error of the pipeline service. */
  SERVICE_FAULT = 'Step.SERVICE_FAULT',
  /** `Step.THROTTLING`: the step's API call was throttled. */
  THROTTLING = 'Step.THROTTLING',
}

/** The job failures a `RetryPolicy.sageMakerJob` retries (`SageMaker.*` exception types). */
export enum SageMakerJobExceptionType {
  /** `SageMaker.JOB_INTERNAL_ERROR`: the job failed with an internal error. */
  JOB_INTERNAL_ERROR = 'SageMaker.JOB_INTERNAL_ERROR',
  /** `SageMaker.CAPACITY_ERROR`: not enough instance capacity. */
  CAPACITY_ERROR = 'SageMaker.CAPACITY_ERROR',
  /** `SageMaker.RESOURCE_LIMIT`: an account resource limit was hit. */
  RESOURCE_LIMIT = 'SageMaker.RESOURCE_LIMIT',
}

/** How often and how long a `RetryPolicy` retries. Give `maxAttempts` or `expireAfterMinutes`, not both. */
export interface RetryOptions {
  /**
   * Seconds before the first retry.
   * @default 1
   */
  readonly intervalSeconds?: number;
  /**
   * The factor by which the interval grows with every retry.
   * @default 2
   */
  readonly backoffRate?: number;
  /**
   * The maximum number of attempts, 1 to 20 (`MaxAttempts`).
   * @default - none; then `expireAfterMinutes` must be set
   */
  readonly maxAttempts?: number;
  /**
   * Minutes after which no more retries start, 0 to 14400 (`ExpireAfterMin`).
   * @default - none; then `maxAttempts` must be set
   */
  readonly expireAfterMinutes?: number;
}

const MAX_ATTEMPTS_CAP = 20;
const MAX_EXPIRE_AFTER_MIN = 14400;

/**
 * A retry policy of a step (`RetryPolicies`), as the SageMaker Python SDK's `StepRetryPolicy` and
 * `SageMakerJobStepRetryPolicy` render it. SageMaker-job policies are allowed on processing,
 * training, tuning and transform steps only.
 *
 * @example
 * RetryPolicy.step([StepExceptionType.THROTTLING], { maxAttempts: 3 });
 * RetryPolicy.sageMakerJob([SageMakerJobExceptionType.CAPACITY_ERROR], { expireAfterMinutes: 60 });
 */
export class RetryPolicy {
  /**
   * Retries failures of the step itself (service faults, throttling).
   * @param exceptionTypes the failures to retry
   * @param options attempts, interval and backoff
   */
  public static step(exceptionTypes: StepExceptionType[], options: RetryOptions): RetryPolicy {
    return new RetryPolicy(exceptionTypes.map((e) => e as string), options, false);
  }

  /**
   * Retries failures of the SageMaker job a step started (internal error, capacity, limits).
   * @param exceptionTypes the failures to retry
   * @param options attempts, interval and backoff
   */
  public static sageMakerJob(exceptionTypes: SageMakerJobExceptionType[], options: RetryOptions): RetryPolicy {
    return new RetryPolicy(exceptionTypes.map((e) => e as string), options, true);
  }

  /** Whether the policy retries SageMaker job failures (`SageMaker.*`). */
  public readonly forSageMakerJob: boolean;

  private constructor(private readonly exceptionTypes: string[], private readonly options: RetryOptions, forSageMakerJob: boolean) {
    this.forSageMakerJob = forSageMakerJob;
    const what = forSageMakerJob ? 'RetryPolicy.sageMakerJob' : 'RetryPolicy.step';
    if (exceptionTypes.length === 0) {
      throw new Error(`${what}: exceptionTypes is empty; name at least one exception type to retry`);
    }
    const { maxAttempts, expireAfterMinutes, intervalSeconds, backoffRate } = options;
    if ((maxAttempts === undefined) === (expireAfterMinutes === undefined)) {
      throw new Error(`${what}: set exactly one of maxAttempts and expireAfterMinutes`);
    }
    if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_CAP)) {
      throw new Error(`${what}: maxAttempts ${maxAttempts} must be a whole number from 1 to ${MAX_ATTEMPTS_CAP}`);
    }
    const badExpiry = expireAfterMinutes !== undefined
      && (!Number.isInteger(expireAfterMinutes) || expireAfterMinutes < 0 || expireAfterMinutes > MAX_EXPIRE_AFTER_MIN);
    if (badExpiry) {
      throw new Error(`${what}: expireAfterMinutes ${expireAfterMinutes} must be a whole number from 0 to ${MAX_EXPIRE_AFTER_MIN}`);
    }
    if (intervalSeconds !== undefined && (!Number.isInteger(intervalSeconds) || intervalSeconds < 0)) {
      throw new Error(`${what}: intervalSeconds ${intervalSeconds} must be a non-negative whole number`);
    }
    if (backoffRate !== undefined && backoffRate < 0) {
      throw new Error(`${what}: backoffRate ${backoffRate} must not be negative`);
    }
  }

  /** The policy's JSON in the step's `RetryPolicies`. */
  public toJson(): any {
    const out: { [key: string]: any } = {
      ExceptionType: [...this.exceptionTypes],
      IntervalSeconds: this.options.intervalSeconds ?? 1,
      BackoffRate: this.options.backoffRate ?? 2,
    };
    if (this.options.maxAttempts !== undefined) out.MaxAttempts = this.options.maxAttempts;
    if (this.options.expireAfterMinutes !== undefined) out.ExpireAfterMin = this.options.expireAfterMinutes;
    return out;
  }
}
