import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { acknowledgeRules } from '../core/acknowledge';

/**
 * The partition as a literal when the stack's region is known, else the `AWS::Partition` reference
 * (literal ARNs keep `::` out of cdk-nag finding ids, which cannot be acknowledged otherwise).
 * @internal
 */
export function literalPartition(stack: Stack): string {
  if (Token.isUnresolved(stack.region)) return stack.partition;
  return RegionInfo.get(stack.region).partition ?? stack.partition;
}

/**
 * A role whose grants (`grantX`, `addToPrincipalPolicy`) land in one customer-managed policy attached
 * to it, instead of an inline default policy (NIST 800-53 and HIPAA ask for no inline policies).
 * @internal
 */
export class ManagedGrantsRole extends iam.Role {
  /** The policy that holds the grants, once there is one. */
  public grantsPolicy?: iam.ManagedPolicy;
  private readonly skipCodeBuildDefaultLogs: boolean;

  constructor(scope: Construct, id: string, props: iam.RoleProps & { readonly skipCodeBuildDefaultLogs?: boolean }) {
    const { skipCodeBuildDefaultLogs, ...roleProps } = props;
    super(scope, id, roleProps);
    this.skipCodeBuildDefaultLogs = skipCodeBuildDefaultLogs ?? false;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.skipCodeBuildDefaultLogs && isCodeBuildDefaultLogGrant(this, statement)) {
      // the project logs to its own encrypted log group; the default /aws/codebuild group is never used
      return { statementAdded: true };
    }
    if (!this.grantsPolicy) {
      this.grantsPolicy = new iam.ManagedPolicy(this, 'Policy', { description: `Permissions of ${this.node.path}` });
      this.addManagedPolicy(this.grantsPolicy);
    }
    this.grantsPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.grantsPolicy };
  }
}

function isCodeBuildDefaultLogGrant(scope: Construct, statement: iam.PolicyStatement): boolean {
  const a = statement.actions;
  return a.length === 3 && ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'].every((x) => a.includes(x))
    && JSON.stringify(Stack.of(scope).resolve(statement.resources)).includes(':log-group:/aws/codebuild/');
}

/**
 * Renders a resolved CloudFormation value the way cdk-nag names findings: `Ref` as `<Name>`,
 * `Fn::GetAtt` as `<Name.Attr>`, joins concatenated.
 * @internal
 */
export function flattenForNag(node: any): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'];
    return (parts as any[]).map(flattenForNag).join(separator);
  }
  if (node['Fn::Sub']) return flattenForNag(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${flattenForNag(node['Fn::GetAtt'][0])}.${flattenForNag(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return flattenForNag(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenForNag(node.Ref)}>`;
  return JSON.stringify(node);
}

/** A reason for one wildcard finding, or undefined when none is known. @internal */
export interface WildcardReasons {
  /** Reasons by statement Sid (for statements this library writes). */
  readonly bySid?: Record<string, string>;
  /** Reasons by wildcard action (`s3:GetObject*`) for statements CDK grants write. */
  readonly byAction?: Record<string, string>;
  /** Reasons by resource pattern (a regular expression on the flattened resource). */
  readonly byResource?: Array<[RegExp, string]>;
}

/**
 * Acknowledges `AwsSolutions-IAM5` for every wildcard action and resource of the policy's Allow
 * statements, one finding at a time, with the reason for the statement (by Sid), the action or the
 * resource. It runs when the app is validated, after every grant has been made. A wildcard without
 * a reason fails the synthesis: none goes unexplained.
 * @internal
 */
export function acknowledgeWildcardsLater(policy: iam.ManagedPolicy, reasons: WildcardReasons): void {
  let done = false;
  policy.node.addValidation({
    validate: () => {
      if (done) return [];
      done = true;
      const document = Stack.of(policy).resolve(policy.document.toJSON());
      const acks: Record<string, string> = {};
      const problems: string[] = [];
      for (const statement of document?.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        const sidReason = statement.Sid ? reasons.bySid?.[statement.Sid] : undefined;
        for (const action of asArray(statement.Action).filter((a: string) => a.includes('*'))) {
          const reason = sidReason ?? reasons.byAction?.[action];
          if (reason) acks[`AwsSolutions-IAM5[Action::${action}]`] = reason;
          else problems.push(`no reason for the wildcard action ${action} of ${policy.node.path}`);
        }
        for (const resource of asArray(statement.Resource).map(flattenForNag).filter((r: string) => r.includes('*'))) {
          const reason = sidReason ?? reasons.byResource?.find(([re]) => re.test(resource))?.[1];
          // an id with more than one '::' (pseudo parameters of environment-agnostic stacks, the ':::' of
          // an imported bucket's ARN) is recorded by acknowledgeRules in the packs' own metadata
          const id = `AwsSolutions-IAM5[Resource::${resource}]`;
          // one finding id may stand for several statements (e.g. `*`): give every statement's reason
          if (reason) acks[id] = acks[id] && !acks[id].includes(reason) ? `${acks[id]} ${reason}` : reason;
          else problems.push(`no reason for the wildcard resource ${resource} of ${policy.node.path}`);
        }
      }
      if (problems.length > 0) return problems.map((p) => `internal: ${p}`);
      acknowledgeRules(policy, acks);
      return [];
    },
  });
}

function asArray(x: any): any[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}
