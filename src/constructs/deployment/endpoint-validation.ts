import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { acknowledgeRules } from '../core/acknowledge';

/** SageMaker's rule for endpoint and variant names. */
const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Checks a literal SageMaker endpoint or variant name: at most 63 characters, letters, digits and
 * hyphens, starting and ending with a letter or digit. Tokens pass.
 * @internal
 */
export function checkSageMakerName(prop: string, value: string, example: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 63) {
    throw new Error(`${prop} ${JSON.stringify(value)} has ${value.length} characters; SageMaker allows at most 63: shorten it, e.g. ${JSON.stringify(example)}`);
  }
  if (!SAGEMAKER_NAME.test(value)) {
    throw new Error(
      `${prop} ${JSON.stringify(value)} is not a valid SageMaker name; use letters, digits and hyphens, starting and ending with a letter or digit (^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}), e.g. ${JSON.stringify(example)}`,
    );
  }
}

/**
 * The partition as a literal when the stack's region is known (`aws` for eu-central-1), else the
 * `AWS::Partition` reference. Literal partitions keep `::` out of cdk-nag finding ids, which the
 * `Validations` API cannot acknowledge otherwise.
 * @internal
 */
export function literalPartition(stack: Stack): string {
  if (Token.isUnresolved(stack.region)) return stack.partition;
  return RegionInfo.get(stack.region).partition ?? stack.partition;
}

/**
 * Checks a literal integer against bounds; tokens are refused (the value drives synth-time logic).
 * @internal
 */
export function checkInteger(prop: string, value: number, min: number, max: number | undefined, meaning: string): void {
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  if (Token.isUnresolved(value)) {
    throw new Error(`${prop} must be a literal integer (${meaning}), ${range}; tokens are not supported`);
  }
  if (!Number.isInteger(value) || value < min || (max !== undefined && value > max)) {
    throw new Error(`${prop} is ${value}; write an integer ${range} (${meaning})`);
  }
}

/**
 * Acknowledges `AwsSolutions-IAM5` for every wildcard resource of the policy's Allow statements, one
 * finding at a time, with the reason given for the statement's Sid. The finding ids are computed the
 * way cdk-nag flattens CloudFormation references (`<Logical.Attr>`, `<AWS::Partition>`).
 * Throws when a wildcard statement has no reason, so that no wildcard goes unexplained.
 * @internal
 */
export function acknowledgeWildcardResources(policy: iam.ManagedPolicy, reasonsBySid: Record<string, string>): void {
  const document = Stack.of(policy).resolve(policy.document);
  const acks: Record<string, string> = {};
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const resource of asArray(statement.Resource)) {
      const flat = flatten(resource);
      if (!flat.includes('*')) continue;
      const reason = reasonsBySid[statement.Sid];
      if (!reason) {
        throw new Error(`internal: statement ${statement.Sid} of ${policy.node.path} has the wildcard resource ${flat} but no reason`);
      }
      const id = `AwsSolutions-IAM5[Resource::${flat}]`;
      acks[id] = acks[id] && !acks[id].includes(reason) ? `${acks[id]} ${reason}` : reason;
    }
  }
  acknowledgeRules(policy, acks);
}

function asArray(x: unknown): unknown[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

/** A resolved CloudFormation value as one string: references become `<Name>` or `<Name.Attr>`. */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const o = node as Record<string, any>;
  if (o['Fn::Join']) {
    const [separator, parts] = o['Fn::Join'];
    return (parts as unknown[]).map(flatten).join(separator);
  }
  if (o['Fn::Sub']) return flatten(o['Fn::Sub']);
  if (o['Fn::GetAtt']) return `<${flatten(o['Fn::GetAtt'][0])}.${flatten(o['Fn::GetAtt'][1])}>`;
  if (o['Fn::ImportValue']) return flatten(o['Fn::ImportValue']);
  if (o.Ref) return `<${flatten(o.Ref)}>`;
  return JSON.stringify(node);
}
