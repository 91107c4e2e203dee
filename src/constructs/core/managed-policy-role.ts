import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { literalNetworkInterfaceArn } from './iam-findings';

/**
 * Props of a `ManagedPolicyRole`.
 * @internal
 */
export interface ManagedPolicyRoleProps extends iam.RoleProps {
  /**
   * Drop the statement a CodeBuild project always adds for its default log group
   * `/aws/codebuild/<project>`: the projects of this library log to their own encrypted log group.
   * @default false
   */
  readonly dropCodeBuildDefaultLogGroup?: boolean;
}

/**
 * A role whose permissions live in one customer-managed policy attached to it instead of an inline
 * default policy (NIST 800-53 and HIPAA ask for no inline policies). Grants made to it (`grantX`,
 * `addToPrincipalPolicy`) land in that policy.
 * @internal
 */
export class ManagedPolicyRole extends iam.Role {
  /** The policy that holds the grants, once there is one. */
  public grantsPolicy?: iam.ManagedPolicy;
  private readonly dropDefaultLogGroup: boolean;

  constructor(scope: Construct, id: string, props: ManagedPolicyRoleProps) {
    const { dropCodeBuildDefaultLogGroup, ...roleProps } = props;
    super(scope, id, roleProps);
    this.dropDefaultLogGroup = dropCodeBuildDefaultLogGroup ?? false;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.dropDefaultLogGroup && this.isDefaultLogGroupGrant(statement)) {
      // not needed by this role: report it as handled so that no resource policy is tried instead
      return { statementAdded: true };
    }
    statement = this.withLiteralNetworkInterfaceArn(statement);
    if (!this.grantsPolicy) {
      this.grantsPolicy = new iam.ManagedPolicy(this, 'Policy', { description: `Permissions of ${this.node.path}` });
      this.addManagedPolicy(this.grantsPolicy);
    }
    this.grantsPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.grantsPolicy };
  }

  /**
   * CodeBuild's `ec2:CreateNetworkInterfacePermission` statement names the network interfaces with
   * pseudo parameters; with a concrete environment the same ARN is written out literally (so that the
   * finding on it can be acknowledged by its exact id).
   */
  private withLiteralNetworkInterfaceArn(statement: iam.PolicyStatement): iam.PolicyStatement {
    const arn = literalNetworkInterfaceArn(this);
    if (!arn || statement.actions.length !== 1 || statement.actions[0] !== 'ec2:CreateNetworkInterfacePermission') return statement;
    return new iam.PolicyStatement({ effect: statement.effect, actions: statement.actions, resources: [arn], conditions: statement.conditions });
  }

  private isDefaultLogGroupGrant(statement: iam.PolicyStatement): boolean {
    const actions = statement.actions;
    const logActions = actions.length === 3 && ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'].every((a) => actions.includes(a));
    return logActions && JSON.stringify(Stack.of(this).resolve(statement.resources)).includes(':log-group:/aws/codebuild/');
  }
}
