import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createStudioDataPolicy, StudioDataAccess } from './data-access';
import { literalPartition } from '../core/iam-findings';
import { acknowledgeWildcards, SharedFindingReason } from '../core/wildcard-acknowledgement';

/** The S3 prefix under which shared notebook snapshots are written. @internal */
export const SHARING_PREFIX = 'studio-sharing';

/**
 * What a Studio execution role may reach, besides SageMaker itself: decided once on the domain and
 * reused by every profile of the domain.
 * @internal
 */
export interface StudioAccess {
  readonly vpc: ec2.IVpc;
  readonly encryptionKey: kms.IKey;
  readonly artifactBuckets: s3.IBucket[];
  readonly readWriteBuckets: s3.IBucket[];
  readonly ecrRepositories: ecr.IRepository[];
  readonly sharingBucket?: s3.IBucket;
  readonly data: StudioDataAccess;
}

/**
 * The tag key that says whose a Studio user profile is: the persona roles may open (presigned URL) only
 * the profile whose tag equals their session tag of the same key.
 * @internal
 */
export const STUDIO_USER_TAG_KEY = 'studio-user';

/**
 * A Studio execution role: assumed by SageMaker (with the source identity set to the user profile
 * name), bounded by the permissions boundary, with the guardrail policy attached.
 * @internal
 */
export function createStudioRole(
  scope: Construct,
  id: string,
  description: string,
  permissionsBoundary: iam.IManagedPolicy,
  guardrailPolicy: iam.IManagedPolicy | undefined,
  roleName?: string,
): iam.Role {
  const role = new iam.Role(scope, id, {
    roleName,
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    permissionsBoundary,
    description,
  });
  // the domain sets sts:SourceIdentity to the user profile name (DomainSettings.ExecutionRoleIdentityConfig)
  role.assumeRolePolicy?.addStatements(
    new iam.PolicyStatement({
      actions: ['sts:SetSourceIdentity'],
      principals: [new iam.ServicePrincipal('sagemaker.amazonaws.com')],
    }),
  );
  if (guardrailPolicy) role.addManagedPolicy(guardrailPolicy);
  return role;
}

/**
 * The least-privilege customer-managed policy of a Studio execution role: Studio apps and spaces of
 * this domain, read-only SageMaker, jobs and pipelines (the guardrail policy denies the unsafe
 * variants), its own role passed to SageMaker only, SageMaker logs and metrics, network interfaces
 * in this VPC only, the domain key, and the buckets and repositories the domain was given.
 * @internal
 */
export function createStudioPolicy(
  scope: Construct,
  id: string,
  role: iam.Role,
  domainArn: string,
  domainId: string,
  access: StudioAccess,
  jobLogStreamPrefix?: string,
): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const partition = literalPartition(stack);
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const sm = (resource: string) => arn('sagemaker', resource);
  // the bucket's own ARN: for a bucket of this app it renders as a reference, which can be acknowledged by name
  const objects = (b: s3.IBucket, pattern: string) => b.arnForObjects(pattern);

  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({
      sid: 'StudioAppsAndSpacesOfThisDomain',
      actions: [
        'sagemaker:CreateApp',
        'sagemaker:DeleteApp',
        'sagemaker:CreateSpace',
        'sagemaker:UpdateSpace',
        'sagemaker:DeleteSpace',
        'sagemaker:AddTags',
      ],
      resources: [domainArn, sm(`user-profile/${domainId}/*`), sm(`space/${domainId}/*`), sm(`app/${domainId}/*`)],
    }),
    new iam.PolicyStatement({
      sid: 'SageMakerReadOnly',
      actions: ['sagemaker:Describe*', 'sagemaker:List*', 'sagemaker:Search', 'sagemaker:GetSearchSuggestions', 'sagemaker:BatchDescribeModelPackage'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'SageMakerJobsExperimentsAndPipelines',
      actions: [
        'sagemaker:CreateTrainingJob',
        'sagemaker:StopTrainingJob',
        'sagemaker:CreateProcessingJob',
        'sagemaker:StopProcessingJob',
        'sagemaker:CreateHyperParameterTuningJob',
        'sagemaker:StopHyperParameterTuningJob',
        'sagemaker:CreateExperiment',
        'sagemaker:CreateTrial',
        'sagemaker:CreateTrialComponent',
        'sagemaker:UpdateTrialComponent',
        'sagemaker:AssociateTrialComponent',
        'sagemaker:StartPipelineExecution',
        'sagemaker:StopPipelineExecution',
        'sagemaker:RetryPipelineExecution',
        'sagemaker:AddTags',
      ],
      resources: [
        sm('training-job/*'),
        sm('processing-job/*'),
        sm('hyper-parameter-tuning-job/*'),
        sm('experiment/*'),
        sm('experiment-trial/*'),
        sm('experiment-trial-component/*'),
        sm('pipeline/*'),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'PassOnlyThisRoleOnlyToSageMaker',
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'SageMakerLogGroups',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [arn('logs', 'log-group:/aws/sagemaker/*'), arn('logs', 'log-group:/aws/sagemaker/*:log-stream:*')],
    }),
    // reads: the Studio apps' own logs here; the job log groups are shared by every use case, so a
    // profile reads only its use case's job streams (the profile's use-case isolation policy)
    new iam.PolicyStatement({
      sid: 'StudioAppLogsRead',
      actions: ['logs:GetLogEvents'],
      resources: [arn('logs', 'log-group:/aws/sagemaker/studio:log-stream:*')],
    }),
    ...(jobLogStreamPrefix !== undefined ? [new iam.PolicyStatement({
      sid: 'OwnJobLogsRead',
      actions: ['logs:GetLogEvents'],
      resources: [arn('logs', `log-group:/aws/sagemaker/*Jobs:log-stream:${jobLogStreamPrefix}*`)],
    })] : []),
    new iam.PolicyStatement({
      sid: 'SageMakerMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } },
    }),
    new iam.PolicyStatement({
      sid: 'NetworkInterfacesInThisVpcOnly',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:CreateNetworkInterfacePermission',
        'ec2:DeleteNetworkInterface',
        'ec2:DeleteNetworkInterfacePermission',
      ],
      resources: ['*'],
      conditions: { ArnEquals: { 'ec2:Vpc': arn('ec2', `vpc/${access.vpc.vpcId}`) } },
    }),
    new iam.PolicyStatement({
      sid: 'DescribeNetwork',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'UseTheDomainKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [access.encryptionKey.keyArn],
    }),
    new iam.PolicyStatement({
      sid: 'LetSageMakerEncryptVolumesWithTheDomainKey',
      actions: ['kms:CreateGrant'],
      resources: [access.encryptionKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }),
  ];

  const bucketKeys = new Set<string>();
  const addBucketKey = (b: s3.IBucket) => {
    if (b.encryptionKey && b.encryptionKey.keyArn !== access.encryptionKey.keyArn) bucketKeys.add(b.encryptionKey.keyArn);
  };
  if (access.artifactBuckets.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ListArtifactBuckets',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: access.artifactBuckets.map((b) => b.bucketArn),
      }),
      new iam.PolicyStatement({
        sid: 'ReadArtifacts',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: access.artifactBuckets.map((b) => objects(b, '*')),
      }),
    );
    access.artifactBuckets.forEach(addBucketKey);
  }
  if (access.readWriteBuckets.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ListWorkBuckets',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: access.readWriteBuckets.map((b) => b.bucketArn),
      }),
      new iam.PolicyStatement({
        sid: 'ReadWriteWorkObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'],
        resources: access.readWriteBuckets.map((b) => objects(b, '*')),
      }),
    );
    access.readWriteBuckets.forEach(addBucketKey);
  }
  if (access.sharingBucket) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'WriteSharedNotebookSnapshots',
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [objects(access.sharingBucket, `${SHARING_PREFIX}/*`)],
      }),
    );
    addBucketKey(access.sharingBucket);
  }
  if (bucketKeys.size > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseTheBucketKeys',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [...bucketKeys],
      }),
    );
  }
  if (access.ecrRepositories.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'EcrLogin',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'PullGivenImages',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: access.ecrRepositories.map((r) => r.repositoryArn),
      }),
    );
  }

  // who may open which profile hangs on the studio-user tag: the role may not set or remove it on the
  // domain or its profiles (spaces and apps still receive it through tag propagation)
  const denyTagChanges = new iam.PolicyStatement({
    sid: 'NoStudioUserTagChangesOnProfiles',
    effect: iam.Effect.DENY,
    actions: ['sagemaker:AddTags', 'sagemaker:DeleteTags'],
    resources: [domainArn, sm(`user-profile/${domainId}/*`)],
    conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [STUDIO_USER_TAG_KEY] } },
  });

  const policy = new iam.ManagedPolicy(scope, id, {
    description: 'Least-privilege permissions of a SageMaker Studio execution role',
    statements: [...statements, denyTagChanges],
    roles: [role],
  });
  createStudioDataPolicy(scope, `${id}Data`, role, access.data);
  // acknowledged once the app is prepared, so that references to a domain in another stack are
  // named the way the compliance packs see them (as imports); a finding id with a second '::' (pseudo
  // parameters like `<AWS::Region>` in environment-agnostic stacks, or the literal `:::` of an imported S3
  // bucket's ARN) is not acknowledged: the finding stays visible
  acknowledgeWildcards(policy, statements.map((statement) => ({ statement, wildcardReason: WILDCARD_REASONS[statement.sid ?? ''] })), {
    whenValidated: true,
    sharedFindingReason: SharedFindingReason.LAST,
    leaveDoubleColonFindings: true,
  });
  return policy;
}

/** Why a statement needs the wildcards it has, by statement id. */
const WILDCARD_REASONS: Record<string, string> = {
  StudioAppsAndSpacesOfThisDomain:
    'Spaces and apps are created by the data scientists at run time under this domain; the ARNs are limited to this domain id.',
  SageMakerReadOnly:
    'Studio lists and describes models, endpoints, pipelines and jobs in its UI; read-only actions without resource-level scoping.',
  SageMakerJobsExperimentsAndPipelines:
    'Job, experiment and pipeline names are chosen at run time; ARNs are limited to this account and region, the guardrail policy denies unsafe job settings.',
  SageMakerLogGroups: 'SageMaker writes one log group per job type and one stream per job under /aws/sagemaker/; the role is limited to that prefix.',
  StudioAppLogsRead: 'Studio names one log stream per app of the domain at run time; reads are limited to the Studio log group.',
  OwnJobLogsRead: 'SageMaker names one stream per job and instance in the job log groups at run time; reads are limited to the streams of the use case\'s own jobs (<prefix><use case>--*).',
  SageMakerMetrics: 'cloudwatch:PutMetricData supports no resource-level scoping; the role is limited to the SageMaker metric namespaces.',
  NetworkInterfacesInThisVpcOnly:
    'Network interface ids are created by SageMaker at run time; the ec2:Vpc condition limits the role to interfaces in this VPC.',
  DescribeNetwork: 'EC2 describe actions support no resource-level scoping; they are read-only.',
  ReadArtifacts: 'Object keys of the artifact buckets are not known in advance; read-only access is limited to the given buckets.',
  ReadWriteWorkObjects: 'Object keys of the work buckets are not known in advance; access is limited to the given buckets.',
  WriteSharedNotebookSnapshots: 'Studio names shared notebook snapshots at run time; access is limited to the sharing prefix of the sharing bucket.',
  EcrLogin: 'ecr:GetAuthorizationToken supports no resource-level scoping; image pulls are limited to the given repositories.',
};
