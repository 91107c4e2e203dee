import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { SharedFindingReason, WildcardAcknowledgementOptions } from '../core/wildcard-acknowledgement';

/**
 * How the security concern acknowledges the wildcards of its policies (`acknowledgeWildcards`): a finding
 * several statements cause gets the first statement's reason, and a finding id with a second `::`
 * (pseudo parameters of an environment-agnostic stack) stays visible to the compliance check.
 * @internal
 */
export const WILDCARD_ACKNOWLEDGEMENT: WildcardAcknowledgementOptions = {
  sharedFindingReason: SharedFindingReason.FIRST,
  leaveDoubleColonFindings: true,
};

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
