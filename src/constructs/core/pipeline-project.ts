import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRules } from './acknowledge';
import { skipCheckovChecks } from './checkov';
import { EncryptedLogGroup } from './encrypted-log-group';
import { literalNetworkInterfaceArn } from './iam-findings';
import { ManagedPolicyRole } from './managed-policy-role';
import { accountScopedServicePrincipal } from './service-trust';

/*
 * The CodeBuild projects of this library's CodePipelines (ImageBuildPipeline, ModelDeploymentPipeline):
 * each with its own role (grants in a customer-managed policy), its own KMS-encrypted log group, the
 * pipeline's key, optionally in a VPC, and the acknowledgements of what CDK adds to them. Nothing here is
 * public API.
 */

/**
 * Where the CodeBuild projects of a pipeline run (the pipeline construct's props of the same names).
 * @internal
 */
export interface PipelineProjectNetwork {
  /** The VPC the projects run in, if any. */
  readonly vpc?: ec2.IVpc;
  /** The subnets of the projects, when `vpc` is set. */
  readonly subnetSelection?: ec2.SubnetSelection;
  /** The security groups of the projects, when `vpc` is set. */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * What every CodeBuild project of one pipeline shares.
 * @internal
 */
export interface PipelineProjectSettings {
  /** The pipeline's customer-managed key: the project's artifacts, and its log group. */
  readonly encryptionKey: kms.IKey;
  /** The pipeline's artifact bucket, whose CDK grants the roles' acknowledgements name. */
  readonly artifactBucket: s3.IBucket;
  /** Where the projects run. */
  readonly network: PipelineProjectNetwork;
  /** Why the projects hold no repository credential (the reason for `HIPAA.Security-CodeBuildProjectSourceRepoUrl`). */
  readonly sourceRepoUrlReason: string;
}

/**
 * One CodeBuild project of a pipeline.
 * @internal
 */
export interface PipelineProjectOptions {
  /** The description of the project (and of its created role). */
  readonly description: string;
  /** The project's role; by default one is created (`<name>Role`). */
  readonly role?: iam.IRole;
  /** The compute type; by default SMALL. */
  readonly computeType?: codebuild.ComputeType;
  /** Whether the project runs Docker (privileged mode); by default not. */
  readonly privileged?: boolean;
  /** Why the project needs privileged mode (the reason for `AwsSolutions-CB3`), when it does. */
  readonly privilegedReason?: string;
  /** The environment variables (plain text). */
  readonly variables: Record<string, string>;
  /** The buildspec. */
  readonly buildSpec: Record<string, unknown>;
  /** The time limit of one build. */
  readonly timeout: Duration;
  /** Whether the project writes output artifacts (CDK then also grants deletes and aborted uploads). */
  readonly writesArtifacts: boolean;
  /** More acknowledgements on the role, after those of the artifact grants. */
  readonly roleAcknowledgements?: Record<string, string>;
}

/**
 * A CodeBuild project of a pipeline, `<name>Project`, with its log group `<name>Logs` and (unless one
 * is given) its role `<name>Role`.
 * @internal
 */
export function createPipelineProject(
  scope: Construct,
  name: string,
  settings: PipelineProjectSettings,
  options: PipelineProjectOptions,
): codebuild.PipelineProject {
  const logs = new EncryptedLogGroup(scope, `${name}Logs`, { encryptionKey: settings.encryptionKey });
  const role =
    options.role ??
    new ManagedPolicyRole(scope, `${name}Role`, {
      assumedBy: accountScopedServicePrincipal(scope, 'codebuild.amazonaws.com'),
      description: options.description,
      dropCodeBuildDefaultLogGroup: true,
    });
  const vpc = settings.network.vpc;
  const project = new codebuild.PipelineProject(scope, `${name}Project`, {
    description: options.description,
    role,
    encryptionKey: settings.encryptionKey,
    environment: {
      buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
      computeType: options.computeType ?? codebuild.ComputeType.SMALL,
      privileged: options.privileged ?? false,
    },
    environmentVariables: Object.fromEntries(Object.entries(options.variables).map(([k, v]) => [k, { value: v }])),
    buildSpec: codebuild.BuildSpec.fromObject(options.buildSpec),
    timeout: options.timeout,
    logging: { cloudWatch: { logGroup: logs.logGroup } },
    // the buildspecs publish no test reports
    grantReportGroupPermissions: false,
    vpc,
    subnetSelection: vpc ? settings.network.subnetSelection : undefined,
    securityGroups: vpc ? settings.network.securityGroups : undefined,
  });
  acknowledgeRules(project, { 'HIPAA.Security-CodeBuildProjectSourceRepoUrl': settings.sourceRepoUrlReason });
  if (options.privileged) {
    acknowledgeRules(project, { 'AwsSolutions-CB3': options.privilegedReason! });
  }
  acknowledgeRules(role, { ...artifactGrantAcknowledgements(settings.artifactBucket, options.writesArtifacts), ...options.roleAcknowledgements });
  if (vpc) acknowledgeVpcPermissions(project, role);
  return project;
}

/**
 * The acknowledgements of the wildcards CDK's artifact grants carry, all limited to the pipeline's own
 * artifact bucket and key; with `writes`, also those of the write grant.
 * @internal
 */
export function artifactGrantAcknowledgements(artifactBucket: s3.IBucket, writes: boolean): Record<string, string> {
  const bucketObjects = `Resource::<${Stack.of(artifactBucket).getLogicalId(artifactBucket.node.defaultChild as CfnElement)}.Arn>/*`;
  const acks: Record<string, string> = {
    'AwsSolutions-IAM5[Action::s3:GetObject*]': 'Read access to the objects of this pipeline\'s own artifact bucket only (CDK\'s artifact grant); the wildcard spans object and version reads.',
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'Bucket metadata reads (location, versioning) on this pipeline\'s own artifact bucket only, which CodePipeline artifact transfers use.',
    'AwsSolutions-IAM5[Action::s3:List*]': 'Listing this pipeline\'s own artifact bucket only, which CodePipeline artifact transfers use.',
    [`AwsSolutions-IAM5[${bucketObjects}]`]: 'Pipeline artifacts are stored under keys generated per execution, so access is to the objects of this pipeline\'s own artifact bucket.',
    'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': 'Limited to the one customer-managed key of this pipeline, which encrypts the artifact bucket and the build output.',
    'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': 'Limited to the one customer-managed key of this pipeline; SSE-KMS uploads of artifacts generate data keys with it.',
  };
  if (writes) {
    acks['AwsSolutions-IAM5[Action::s3:DeleteObject*]'] = 'Artifact writes (CDK\'s grant) on this pipeline\'s own artifact bucket only; the bucket is versioned, so nothing is lost.';
    acks['AwsSolutions-IAM5[Action::s3:Abort*]'] = 'Aborting multipart uploads of artifacts to this pipeline\'s own artifact bucket only.';
  }
  return acks;
}

/**
 * Fails when subnets or security groups are given without a VPC.
 * @param construct the construct name for the error message
 * @param network the network props of the construct
 * @internal
 */
export function checkPipelineProjectNetwork(construct: string, network: PipelineProjectNetwork): void {
  if (!network.vpc && (network.subnetSelection || network.securityGroups)) {
    throw new Error(`${construct}: subnetSelection or securityGroups is set without vpc; set vpc too, or remove them`);
  }
}

/** Acknowledges the permissions CodeBuild needs to run a project in a VPC (CDK adds them). */
function acknowledgeVpcPermissions(project: codebuild.PipelineProject, role: iam.IRole): void {
  // with an environment-agnostic stack the ARN holds pseudo parameters, whose finding id cannot be acknowledged
  const networkInterfaces = literalNetworkInterfaceArn(project);
  if (networkInterfaces) {
    acknowledgeRules(role, {
      [`AwsSolutions-IAM5[Resource::${networkInterfaces}]`]:
        'ec2:CreateNetworkInterfacePermission for the build\'s network interfaces, which do not exist before the build; it is conditioned on the VPC\'s subnets and on codebuild.amazonaws.com as the authorized service.',
    });
  }
  const vpcPolicy = project.node.tryFindChild('PolicyDocument');
  if (vpcPolicy) {
    acknowledgeRules(vpcPolicy, {
      'AwsSolutions-IAM5[Resource::*]':
        'CodeBuild\'s VPC access: EC2 Describe* calls and creating/deleting the build\'s own network interfaces, which EC2 cannot scope to resources that do not exist yet.',
      'NIST.800.53.R5-IAMNoInlinePolicy':
        'CodeBuild\'s VPC policy, a separate policy the project must depend on before CloudFormation creates it; bound to this project\'s role only, all other permissions are in its managed policy.',
      'HIPAA.Security-IAMNoInlinePolicy':
        'CodeBuild\'s VPC policy, a separate policy the project must depend on before CloudFormation creates it; bound to this project\'s role only, all other permissions are in its managed policy.',
    });
    skipCheckovChecks(vpcPolicy, {
      CKV_AWS_111:
        'CodeBuild\'s VPC access (added by CDK): ec2:CreateNetworkInterface and ec2:DeleteNetworkInterface for the build\'s own network interfaces, which do not exist before the build and so cannot be named; ec2:CreateNetworkInterfacePermission, which lets CodeBuild attach them, is conditioned on the project\'s subnets.',
    });
  }
}
