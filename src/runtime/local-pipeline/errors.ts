/**
 * The errors of a local pipeline run. Two kinds, with different exit codes in the CLI:
 *
 * - `LocalPipelineError` with `INVALID_DEFINITION`, `INVALID_PARAMETER`, `UNSUPPORTED` or
 *   `ENVIRONMENT`: found before any step runs (the definition, the parameters, the options or this
 *   machine cannot run the pipeline); the CLI exits 1.
 * - `StepFailure`: a step failed while the pipeline ran (a Fail step, a process that exited non-zero,
 *   an input that is not on this machine, a condition that cannot be evaluated); the runner records
 *   it in the summary, and the CLI exits 5.
 */

/** Why a run could not start. */
export type LocalPipelineErrorCode = 'INVALID_DEFINITION' | 'INVALID_PARAMETER' | 'UNSUPPORTED' | 'ENVIRONMENT';

/** A problem found before any step runs; `problems` lists every one found. */
export class LocalPipelineError extends Error {
  /** The kind of problem. */
  public readonly code: LocalPipelineErrorCode;
  /** Every problem, one line each. */
  public readonly problems: readonly string[];

  constructor(code: LocalPipelineErrorCode, title: string, problems: readonly string[]) {
    super(problems.length === 1 ? `${title}: ${problems[0]}` : `${title} (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LocalPipelineError';
    this.code = code;
    this.problems = problems;
  }
}

/** A step that failed while the pipeline ran. */
export class StepFailure extends Error {
  /** Whether a Fail step stopped the pipeline (rather than an error). */
  public readonly failStep: boolean;
  /** The last lines of the step's log, if it ran a process. */
  public readonly logTail?: string;
  /** The step's log file, if it ran a process. */
  public readonly logFile?: string;

  constructor(message: string, options: { failStep?: boolean; logTail?: string; logFile?: string } = {}) {
    super(message);
    this.name = 'StepFailure';
    this.failStep = options.failStep ?? false;
    this.logTail = options.logTail;
    this.logFile = options.logFile;
  }
}
