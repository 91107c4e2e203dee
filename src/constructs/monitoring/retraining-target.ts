import { Token } from 'aws-cdk-lib';

/** arn:<partition>:sagemaker:<region>:<account>:pipeline/<name> */
const PIPELINE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}):pipeline\/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
/** arn:<partition>:events:<region>:<account>:event-bus/<name> */
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/[\w.\-/]{1,256}$/;
/** SageMaker pipeline parameter names. */
const PARAMETER_NAME = /^[A-Za-z0-9-_]{1,256}$/;

/**
 * What receives the drift event.
 */
export enum RetrainingTargetKind {
  /** A SageMaker model-building pipeline of the monitor's account, started directly. */
  SAGEMAKER_PIPELINE = 'SAGEMAKER_PIPELINE',
  /** An EventBridge event bus (of another account, typically), which starts the pipeline with its own rule. */
  EVENT_BUS = 'EVENT_BUS',
}

/**
 * Options of a SageMaker pipeline target.
 */
export interface SageMakerPipelineTargetOptions {
  /**
   * Parameters of the pipeline execution (name to value, at most 200).
   * @default - the pipeline's default parameter values
   */
  readonly parameters?: { [name: string]: string };
}

/**
 * Where the retraining rule sends the event of persistent drift.
 *
 * EventBridge starts SageMaker pipelines only in the rule's own account. On the platform, the
 * model-build pipeline lives in EXP while the monitor runs in PROD (or DEV, INT): there, send the
 * event to an event bus of EXP (or to the RES bus that already receives model-approval events), whose
 * resource policy allows `events:PutEvents` from the monitor's account; a rule on that bus matches
 * `source: aws.cloudwatch`, `detail-type: CloudWatch Alarm State Change`, `account: <PROD>` and the
 * drift alarm's ARN in `resources`, and starts the pipeline.
 *
 * @example
 * // same account
 * RetrainingTarget.sageMakerPipeline('arn:aws:sagemaker:eu-central-1:444444444444:pipeline/churn-build');
 * // the pipeline in EXP, the monitor in PROD
 * RetrainingTarget.eventBus('arn:aws:events:eu-central-1:111111111111:event-bus/mlops-retraining');
 */
export class RetrainingTarget {
  /**
   * Start a SageMaker model-building pipeline of the monitor's own account and region.
   * @param pipelineArn `arn:aws:sagemaker:<region>:<account>:pipeline/<name>`
   * @param options the pipeline parameters
   */
  public static sageMakerPipeline(pipelineArn: string, options: SageMakerPipelineTargetOptions = {}): RetrainingTarget {
    let account: string | undefined;
    let region: string | undefined;
    if (!Token.isUnresolved(pipelineArn)) {
      const m = PIPELINE_ARN.exec(pipelineArn);
      if (!m) {
        throw new Error(
          `RetrainingTarget.sageMakerPipeline: ${JSON.stringify(pipelineArn)} is not a SageMaker pipeline ARN; write arn:aws:sagemaker:<region>:<account>:pipeline/<name>`,
        );
      }
      region = m[1];
      account = m[2];
    }
    const parameters = options.parameters ?? {};
    const names = Object.keys(parameters);
    if (names.length > 200) {
      throw new Error(`RetrainingTarget.sageMakerPipeline: ${names.length} parameters given; a pipeline execution takes at most 200`);
    }
    for (const name of names) {
      if (!PARAMETER_NAME.test(name)) {
        throw new Error(`RetrainingTarget.sageMakerPipeline: parameter name ${JSON.stringify(name)} is not valid; use letters, digits, "-" and "_"`);
      }
    }
    return new RetrainingTarget(RetrainingTargetKind.SAGEMAKER_PIPELINE, pipelineArn, account, region, names.length > 0 ? parameters : undefined);
  }

  /**
   * Send the event to an EventBridge event bus, normally of the account that holds the model-build
   * pipeline (see the class description for the rule that bus needs).
   * @param eventBusArn `arn:aws:events:<region>:<account>:event-bus/<name>`
   */
  public static eventBus(eventBusArn: string): RetrainingTarget {
    let account: string | undefined;
    let region: string | undefined;
    if (!Token.isUnresolved(eventBusArn)) {
      const m = EVENT_BUS_ARN.exec(eventBusArn);
      if (!m) {
        throw new Error(`RetrainingTarget.eventBus: ${JSON.stringify(eventBusArn)} is not an event bus ARN; write arn:aws:events:<region>:<account>:event-bus/<name>`);
      }
      region = m[1];
      account = m[2];
    }
    return new RetrainingTarget(RetrainingTargetKind.EVENT_BUS, eventBusArn, account, region, undefined);
  }

  /** What receives the event. */
  public readonly kind: RetrainingTargetKind;
  /** The pipeline or event bus ARN. */
  public readonly arn: string;
  /** The account of the ARN, when it is a literal. */
  public readonly account?: string;
  /** The region of the ARN, when it is a literal. */
  public readonly region?: string;
  /** The pipeline parameters (pipelines only). */
  public readonly parameters?: { [name: string]: string };

  private constructor(
    kind: RetrainingTargetKind,
    arn: string,
    account: string | undefined,
    region: string | undefined,
    parameters: { [name: string]: string } | undefined,
  ) {
    this.kind = kind;
    this.arn = arn;
    this.account = account;
    this.region = region;
    this.parameters = parameters;
  }
}
