import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { acknowledgeRules } from '../core/acknowledge';

/**
 * An allow statement together with the reason why every wildcard in it is needed. The reason becomes
 * the acknowledgement of each `AwsSolutions-IAM5` finding the statement causes.
 * @internal
 */
export interface ReasonedStatement {
  /** The statement. */
  readonly statement: iam.PolicyStatement;
  /** Why its wildcards (actions or resources) are unavoidable; required when it has any. */
  readonly wildcardReason?: string;
}

/**
 * The partition of a stack as a literal when its region is known (so that ARNs in findings carry no
 * `<AWS::Partition>` token, which could not be acknowledged), else the pseudo parameter.
 * @internal
 */
export function literalPartition(stack: Stack): string {
  if (Token.isUnresolved(stack.region)) return Aws.PARTITION;
  return RegionInfo.get(stack.region).partition ?? Aws.PARTITION;
}

/**
 * Renders a resolved CloudFormation value the way cdk-nag names it in a finding id
 * (`Fn::Join` joined, `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`, `${x}` as `<x>`).
 */
function flatten(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v['Fn::Join']) {
      const [delimiter, parts] = v['Fn::Join'];
      return (parts as unknown[]).map(flatten).join(delimiter);
    }
    if (v['Fn::Sub']) return flatten(v['Fn::Sub']);
    if (v['Fn::GetAtt']) return `<${flatten(v['Fn::GetAtt'][0])}.${flatten(v['Fn::GetAtt'][1])}>`;
    if (v['Fn::ImportValue']) return flatten(v['Fn::ImportValue']);
    if (v.Ref) return `<${flatten(v.Ref)}>`;
  }
  return JSON.stringify(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The `AwsSolutions-IAM5[...]` finding ids that an allow statement causes: one per action and per
 * resource containing a `*`.
 * @internal
 */
export function wildcardFindings(scope: IConstruct, statement: iam.PolicyStatement): string[] {
  const json = Stack.of(scope).resolve(statement.toStatementJson());
  if (json.Effect !== 'Allow') return [];
  const findings: string[] = [];
  for (const action of asArray(json.Action)) {
    if (typeof action === 'string' && action.includes('*')) findings.push(`AwsSolutions-IAM5[Action::${action}]`);
  }
  for (const resource of asArray(json.Resource)) {
    const flat = flatten(resource);
    if (flat.includes('*')) findings.push(`AwsSolutions-IAM5[Resource::${flat}]`);
  }
  return findings;
}

/**
 * Acknowledges, on `scope`, every `AwsSolutions-IAM5` finding of the given statements with the
 * statement's own reason. Throws when a statement with a wildcard has no reason, so that no wildcard
 * slips in unexplained.
 * @internal
 */
export function acknowledgeWildcards(scope: IConstruct, statements: ReasonedStatement[]): void {
  const reasons: Record<string, string> = {};
  for (const { statement, wildcardReason } of statements) {
    for (const finding of wildcardFindings(scope, statement)) {
      if (!wildcardReason) {
        throw new Error(`${scope.node.path}: statement ${statement.sid ?? JSON.stringify(statement.toStatementJson())} has the wildcard ${finding} but no reason`);
      }
      // aws-cdk-lib rejects acknowledgement ids with more than one '::', which a finding has when its
      // ARN holds an unresolved pseudo parameter (<AWS::Region> in an environment-agnostic stack):
      // such findings stay visible to the compliance check instead of failing the construction
      if (finding.split('::').length > 2) continue;
      reasons[finding] ??= wildcardReason;
    }
  }
  if (Object.keys(reasons).length > 0) acknowledgeRules(scope, reasons);
}

/** The longest value each pseudo parameter can deploy as, for a conservative size estimate. */
const PSEUDO_MAX: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-99',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
};
/** What any other reference (a resource's name or ARN) is assumed to deploy as. */
const UNKNOWN_REFERENCE = 'x'.repeat(128);

/** Renders a resolved value as the string it deploys as, with conservative stand-ins for references. */
function deployedForm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deployedForm);
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v['Fn::Join']) {
      const [delimiter, parts] = v['Fn::Join'];
      return (parts as unknown[]).map((p) => String(deployedForm(p))).join(delimiter);
    }
    if (typeof v.Ref === 'string') return PSEUDO_MAX[v.Ref] ?? UNKNOWN_REFERENCE;
    if (v['Fn::GetAtt'] || v['Fn::ImportValue'] || v['Fn::Sub'] || v['Fn::Select']) return UNKNOWN_REFERENCE;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deployedForm(x)]));
  }
  return value;
}

/**
 * The character count IAM measures against its managed-policy size quota (whitespace does not count),
 * estimated for the document as deployed: pseudo parameters count as their longest values, other
 * references as 128 characters.
 * @internal
 */
export function policySize(scope: IConstruct, document: iam.PolicyDocument): number {
  return JSON.stringify(deployedForm(Stack.of(scope).resolve(document.toJSON()))).replace(/\s/g, '').length;
}

/** IAM's quota for the size of one customer-managed policy. @internal */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * Validates a list of unresolved strings against a pattern, throwing an error that names the prop.
 * @internal
 */
export function validateList(
  construct: string, prop: string, values: string[] | undefined, pattern: RegExp, expected: string, allowEmpty = false,
): void {
  if (values === undefined) return;
  if (values.length === 0 && !allowEmpty) {
    throw new Error(`${construct}: ${prop} is empty; give at least one value (${expected}), or omit the prop for the default`);
  }
  values.forEach((value, i) => {
    if (Token.isUnresolved(value)) return;
    if (!pattern.test(value)) {
      throw new Error(`${construct}: ${prop}[${i}] ${JSON.stringify(value)} is malformed; write ${expected}`);
    }
  });
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (Token.isUnresolved(value)) return;
    if (seen.has(value)) throw new Error(`${construct}: ${prop}[${i}] ${JSON.stringify(value)} is listed twice; remove the duplicate`);
    seen.add(value);
  });
}
