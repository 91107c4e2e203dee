/**
 * What a flow is made of: the AWS requests it makes, written by hand; everything they are evaluated
 * against comes from the synthesized templates.
 */
import { ContextValue } from '../../helpers/iam-simulator';

/** The accounts of `PlatformConfig.sample()`. */
export const ACCOUNTS = {
  DATA: '111111111111',
  EXP: '222222222222',
  RES: '333333333333',
  DEV: '444444444444',
  INT: '555555555555',
  PROD: '666666666666',
} as const;

/** An account name of the platform. */
export type AccountName = keyof typeof ACCOUNTS;

/** The region of the reference app. */
export const REGION = 'eu-central-1';

/** Why a negative twin must be denied. */
export interface DeniedFor {
  /** The evaluation that must deny: IAM of the request, KMS behind it, or the network path. */
  readonly stage: 'iam' | 'kms' | 'network';
  /** A substring of the denial's explanation, e.g. `ImplicitlyDenied by resource`, `no ecr.dkr endpoint`. */
  readonly because: string;
}

/**
 * One AWS request of a flow. Strings may hold placeholders: `${Stack/LogicalIdPrefix.Attribute}`
 * (a `GetAtt`, or `.Ref`) and `${ssm:ACCOUNT:/parameter/name}` (the value the platform stack of that
 * account writes).
 */
export interface FlowRequest {
  /** The step, e.g. `training job reads the training data`. */
  readonly step: string;
  /**
   * The caller: a role name (`vwml-weld-gun-pm-resolve`), a role as `Stack/LogicalIdPrefix`
   * (`WeldGunTraining/BuildPipelineExecutionRole`), or a service principal as `service:<principal>`.
   */
  readonly caller: string;
  /** The caller's account. */
  readonly account: AccountName;
  /** The region the request is sent to (`aws:RequestedRegion`). @default REGION (eu-central-1) */
  readonly region?: string;
  /** The action. */
  readonly action: string;
  /** The resource ARN (`*` for actions without a resource type). */
  readonly resource: string;
  /** Request context beyond what the engine adds (principal ARN, account, tags, region, TLS). */
  readonly context?: Record<string, ContextValue>;
  /**
   * The call leaves a VPC from this security group (`Stack/LogicalIdPrefix`); the engine checks its
   * egress, the endpoint for the service in that VPC (private DNS) and the endpoint group's ingress.
   */
  readonly network?: { readonly from: string; readonly endpoint?: string };
  /**
   * KMS requests the call makes with the caller's credentials besides the automatic ones
   * (S3 SSE-KMS reads and writes add theirs by themselves).
   */
  readonly kms?: ReadonlyArray<{ readonly key: string; readonly action: string; readonly context?: Record<string, ContextValue> }>;
  /** One line: why the flow makes this request. */
  readonly reason: string;
  /** The AWS documentation that says so. */
  readonly doc: string;
  /** A negative twin: must be denied, for this reason. @default - must be allowed */
  readonly deniedFor?: DeniedFor;
  /**
   * A defect of issue 11 that another branch fixes and that makes this request fail today; the
   * test then asserts that it still fails (remove the field once the fix is merged).
   */
  readonly knownDefect?: string;
}

/** A flow: its name and its requests. */
export interface Flow {
  /** A short id, e.g. `model-build` (the README table prefixes each step with it). */
  readonly id: string;
  /** What the flow is. */
  readonly name: string;
  readonly requests: FlowRequest[];
}
