import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The finding id under which cdk-nag's `AwsSolutions-IAM5` reports a wildcard resource of an IAM
 * policy statement, so that exactly that resource (and no other wildcard) can be acknowledged.
 *
 * @param scope a construct in the stack of the policy
 * @param resource the resource of the statement, as passed to `PolicyStatement` (may contain tokens)
 * @internal
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenIntrinsic(Stack.of(scope).resolve(resource))}]`;
}

/**
 * The finding id under which `AwsSolutions-IAM5` reports a wildcard action, e.g. `kms:ReEncrypt*`.
 * @param action the action with its wildcard
 * @internal
 */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/**
 * Renders a resolved CloudFormation value the way the rule names it: references as `<LogicalId>`,
 * attributes as `<LogicalId.Attribute>`, joins concatenated.
 */
function flattenIntrinsic(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value !== 'object') return JSON.stringify(value);
  const v = value as Record<string, any>;
  if (v['Fn::Join']) {
    const [delimiter, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flattenIntrinsic).join(delimiter);
  }
  if (v['Fn::Sub']) return flattenIntrinsic(v['Fn::Sub']);
  if (v['Fn::GetAtt']) {
    const [logicalId, attribute] = v['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenIntrinsic(logicalId)}.${flattenIntrinsic(attribute)}>`;
  }
  if (v['Fn::ImportValue']) return flattenIntrinsic(v['Fn::ImportValue']);
  if (v.Ref) return `<${flattenIntrinsic(v.Ref)}>`;
  return JSON.stringify(value);
}
