import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards, ReasonedStatement } from './wildcard-acknowledgement';

/*
 * Network checks and role statements shared by the constructs whose SageMaker models and jobs run in a
 * VPC (RealtimeEndpoint, BatchInference, ModelMonitor). Nothing here is public API.
 */

/**
 * Checks that the selected subnets exist and none is public.
 * @param prop the prop that selects the subnets, for the error message
 * @param vpc the VPC
 * @param selected the selected subnets
 * @param interfaces whose network interfaces they are, for the error message (e.g. `SageMaker job network interfaces`)
 * @internal
 */
export function checkPrivateSubnets(prop: string, vpc: ec2.IVpc, selected: ec2.SelectedSubnets, interfaces: string): void {
  if (selected.subnetIds.length === 0) {
    throw new Error(`${prop} selects no subnet; select the private or isolated subnets of the VPC`);
  }
  const publicIds = new Set(vpc.publicSubnets.map((s) => s.subnetId).filter((s) => !Token.isUnresolved(s)));
  const publicSelected = selected.subnetIds.filter((s) => !Token.isUnresolved(s) && publicIds.has(s));
  if (publicSelected.length > 0 || (selected.subnets.length > 0 && selected.subnets.every((s) => vpc.publicSubnets.includes(s)))) {
    throw new Error(`${prop} selects public subnets; ${interfaces} belong in private or isolated subnets: select { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }`);
  }
}

/**
 * Checks the number of security groups SageMaker accepts (1 to 5).
 * @internal
 */
export function checkSecurityGroupCount(prop: string, groups: ec2.ISecurityGroup[]): void {
  if (groups.length === 0 || groups.length > 5) {
    throw new Error(`${prop} has ${groups.length} groups; SageMaker takes 1 to 5: pass 1 to 5 groups, or omit it to get one created`);
  }
}

/**
 * How the network-interface statements name the workload they serve, in their Sids and reasons.
 * @internal
 */
export interface NetworkInterfaceOwner {
  /** The word in the statement ids, e.g. `Job`. */
  readonly sidName: string;
  /** The word in the reasons, e.g. `job`. */
  readonly noun: string;
  /** The containers whose interfaces they are, e.g. `the job containers`. */
  readonly containers: string;
}

/** The network interfaces of SageMaker jobs (batch transform, processing). @internal */
export const JOB_NETWORK_INTERFACES: NetworkInterfaceOwner = { sidName: 'Job', noun: 'job', containers: 'the job containers' };

/** The network interfaces of the models of a SageMaker endpoint. @internal */
export const ENDPOINT_NETWORK_INTERFACES: NetworkInterfaceOwner = { sidName: 'Endpoint', noun: 'endpoint', containers: 'the containers' };

/**
 * The EC2 permissions a SageMaker job or model role needs to attach network interfaces in the VPC:
 * create them in the given subnets and security groups, manage interfaces of this VPC only, describe.
 * @internal
 */
export function networkInterfaceStatements(
  stack: Stack,
  partition: string,
  vpc: ec2.IVpc,
  subnetIds: string[],
  securityGroups: ec2.ISecurityGroup[],
  owner: NetworkInterfaceOwner,
): ReasonedStatement[] {
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ partition, service: 'ec2', resource, resourceName: name });
  const networkInterfaces = ec2Arn('network-interface', '*');
  return [
    {
      statement: new iam.PolicyStatement({
        sid: `CreateNetworkInterfacesInThe${owner.sidName}Subnets`,
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          networkInterfaces,
          ...subnetIds.map((s) => ec2Arn('subnet', s)),
          ...securityGroups.map((sg) => ec2Arn('security-group', sg.securityGroupId)),
        ],
      }),
      wildcardReason:
        `CreateNetworkInterface needs the new interface as resource, whose id is not known before; the statement is bounded by the ${owner.noun} subnets and security groups it names.`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: `ManageNetworkInterfacesOfThe${owner.sidName}Vpc`,
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
        resources: [networkInterfaces],
        conditions: { ArnEquals: { 'ec2:Vpc': ec2Arn('vpc', vpc.vpcId) } },
      }),
      wildcardReason:
        `The network interfaces SageMaker creates for ${owner.containers} get ids at run time; the ec2:Vpc condition limits the statement to interfaces in the ${owner.noun} VPC.`,
    },
    {
      statement: new iam.PolicyStatement({
        sid: 'DescribeTheNetwork',
        actions: ['ec2:DescribeDhcpOptions', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        resources: ['*'],
      }),
      wildcardReason: 'Read-only EC2 Describe actions do not support resource-level permissions; they are the only ones on every resource.',
    },
  ];
}

/**
 * The statements that let a model or job role pull container images from the given ECR repositories:
 * the registry login (`ecr:GetAuthorizationToken`, which has no resource type) and the pulls.
 * @param pullSid the Sid of the pull statement, e.g. `PullTheInferenceImages`
 * @param repositoryArns the repositories
 * @internal
 */
export function ecrPullStatements(pullSid: string, repositoryArns: string[]): ReasonedStatement[] {
  return [
    {
      statement: new iam.PolicyStatement({ sid: 'AuthenticateToEcr', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      wildcardReason: 'ecr:GetAuthorizationToken has no resource type; the token only works with the repository permissions of the next statement.',
    },
    {
      statement: new iam.PolicyStatement({
        sid: pullSid,
        actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: repositoryArns,
      }),
    },
  ];
}

/**
 * The least-privilege customer-managed policy of a SageMaker model or job role (or of a role that runs
 * them): the given statements, attached to the role, with every wildcard resource acknowledged by the
 * reason of its statement.
 * @internal
 */
export function createWorkloadPolicy(
  scope: Construct,
  id: string,
  description: string,
  role: iam.IRole,
  statements: ReasonedStatement[],
): iam.ManagedPolicy {
  const policy = new iam.ManagedPolicy(scope, id, { description, statements: statements.map((s) => s.statement), roles: [role] });
  acknowledgeWildcards(policy, statements, { resourcesOnly: true });
  return policy;
}
