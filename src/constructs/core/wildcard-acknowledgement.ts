import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledgeRules } from './acknowledge';
import { hasSecondDoubleColon, WildcardFinding, wildcardFindings } from './iam-findings';

/*
 * Acknowledges exactly the `AwsSolutions-IAM5` findings (wildcard actions and resources) of the policies
 * this library writes, each with the reason of the statement that causes it, and fails when a wildcard
 * has no reason. Shared by every concern; nothing here is public API.
 */

/**
 * An allow statement together with the reason why its wildcards are needed. The reason becomes the
 * acknowledgement of each `AwsSolutions-IAM5` finding the statement causes.
 * @internal
 */
export interface ReasonedStatement {
  /** The statement. */
  readonly statement: iam.PolicyStatement;
  /** Why its wildcards are unavoidable; required when it has any. */
  readonly wildcardReason?: string;
}

/**
 * Reasons for the wildcards of a policy whose statements are not all written by this library (CDK's
 * grants add some): looked up by the statement's Sid first, then by the wildcard action or resource.
 * @internal
 */
export interface WildcardReasons {
  /** Reasons by statement Sid (for statements this library writes). */
  readonly bySid?: Record<string, string>;
  /** Reasons by wildcard action (`s3:GetObject*`), for statements CDK grants write. */
  readonly byAction?: Record<string, string>;
  /** Reasons by resource pattern (a regular expression on the resource as cdk-nag renders it). */
  readonly byResource?: Array<[RegExp, string]>;
}

/**
 * Which reason a finding gets when several statements cause it (e.g. `Resource::*`).
 * @internal
 */
export enum SharedFindingReason {
  /** Every statement's reason, each once, in statement order. */
  ALL = 'all',
  /** The reason of the first statement. */
  FIRST = 'first',
  /** The reason of the last statement. */
  LAST = 'last',
}

/**
 * How the findings of a policy are acknowledged.
 * @internal
 */
export interface WildcardAcknowledgementOptions {
  /**
   * The reason of a finding that several statements cause.
   * @default SharedFindingReason.ALL
   */
  readonly sharedFindingReason?: SharedFindingReason;

  /**
   * Acknowledge the wildcard resources only (the wildcard actions are left to the caller).
   * @default false
   */
  readonly resourcesOnly?: boolean;

  /**
   * Leave findings whose id holds a second `::` (pseudo parameters of an environment-agnostic stack, the
   * `:::` of an S3 ARN) unacknowledged, visible to the compliance check, instead of recording them in the
   * packs' metadata (see `acknowledgeRules`).
   * @default false
   */
  readonly leaveDoubleColonFindings?: boolean;

  /**
   * Acknowledge when the app is validated, after every grant has been made and references to other stacks
   * have become imports (named the way the compliance packs see them), instead of now. A missing reason
   * then fails the validation instead of throwing.
   * @default false
   */
  readonly whenValidated?: boolean;
}

/**
 * Acknowledges, on `scope`, every `AwsSolutions-IAM5` finding of the given statements with the
 * statement's own reason. A wildcard without a reason fails the synthesis: none goes unexplained.
 * @internal
 */
export function acknowledgeWildcards(scope: IConstruct, statements: ReasonedStatement[], options: WildcardAcknowledgementOptions = {}): void {
  run(scope, options, () => {
    const stack = Stack.of(scope);
    return statements.map(({ statement, wildcardReason }) => ({
      json: stack.resolve(statement.toStatementJson()),
      reasonOf: () => wildcardReason,
    }));
  });
}

/**
 * Acknowledges, on the policy, every `AwsSolutions-IAM5` finding of its document's allow statements,
 * with the reason for the statement's Sid, else for the wildcard action or resource. A wildcard without
 * a reason fails the synthesis: none goes unexplained.
 * @internal
 */
export function acknowledgePolicyWildcards(policy: iam.ManagedPolicy, reasons: WildcardReasons, options: WildcardAcknowledgementOptions = {}): void {
  run(policy, options, () => {
    const document = Stack.of(policy).resolve(policy.document.toJSON());
    return (document?.Statement ?? []).map((json: any) => ({
      json,
      reasonOf: (finding: WildcardFinding) => {
        const sidReason = json.Sid ? reasons.bySid?.[json.Sid] : undefined;
        if (finding.action !== undefined) return sidReason ?? reasons.byAction?.[finding.action];
        return sidReason ?? reasons.byResource?.find(([re]) => re.test(finding.resource!))?.[1];
      },
    }));
  });
}

/** A resolved statement and how to find the reason for each of its findings. */
interface StatementReasons {
  readonly json: any;
  readonly reasonOf: (finding: WildcardFinding) => string | undefined;
}

function run(scope: IConstruct, options: WildcardAcknowledgementOptions, statements: () => StatementReasons[]): void {
  if (!options.whenValidated) {
    const { acks, problems } = collect(statements(), options);
    if (problems.length > 0) throw new Error(`internal: ${scope.node.path}: ${problems[0]}`);
    if (Object.keys(acks).length > 0) acknowledgeRules(scope, acks);
    return;
  }
  let done = false;
  scope.node.addValidation({
    validate: () => {
      if (done) return [];
      done = true;
      const { acks, problems } = collect(statements(), options);
      if (problems.length > 0) return problems.map((p) => `internal: ${scope.node.path}: ${p}`);
      if (Object.keys(acks).length > 0) acknowledgeRules(scope, acks);
      return [];
    },
  });
}

function collect(statements: StatementReasons[], options: WildcardAcknowledgementOptions): { acks: Record<string, string>; problems: string[] } {
  const shared = options.sharedFindingReason ?? SharedFindingReason.ALL;
  const acks: Record<string, string> = {};
  const problems: string[] = [];
  for (const { json, reasonOf } of statements) {
    for (const finding of wildcardFindings(json)) {
      if (options.resourcesOnly && finding.action !== undefined) continue;
      const reason = reasonOf(finding);
      if (!reason) {
        problems.push(`statement ${json.Sid ?? JSON.stringify(json)} has the wildcard ${finding.id} but no reason`);
        continue;
      }
      if (options.leaveDoubleColonFindings && hasSecondDoubleColon(finding.id)) continue;
      const existing = acks[finding.id];
      if (existing === undefined || shared === SharedFindingReason.LAST) {
        acks[finding.id] = reason;
      } else if (shared === SharedFindingReason.ALL && !existing.includes(reason)) {
        acks[finding.id] = `${existing} ${reason}`;
      }
    }
  }
  return { acks, problems };
}
