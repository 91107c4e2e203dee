/**
 * Calls that a resource handler lists in its registry schema but makes only for properties or targets
 * our templates do not use. Each entry says why, and when it would apply after all: a resource that sets
 * one of `unlessProperties`, or for which `appliesTo` is false, is held to the call like any other.
 */

/** One kind of handler call that our resources never cause. */
export interface UnneededCall {
  /** The resource type. */
  readonly type: string;
  /** Exact actions, or `service:*` for every action of a service. */
  readonly actions: string[];
  /** Why our templates never cause the call. */
  readonly reason: string;
  /** Properties that would cause the call: the entry does not apply to a resource that sets one. */
  readonly unlessProperties?: string[];
  /** A further check on the resolved properties: the entry applies only where it returns true. */
  readonly appliesTo?: (properties: Record<string, any>) => boolean;
}

/** The calls our resources never cause. */
export const UNNEEDED_HANDLER_CALLS: UnneededCall[] = [
  {
    type: 'AWS::IAM::ManagedPolicy',
    actions: ['iam:AttachGroupPolicy', 'iam:AttachUserPolicy', 'iam:DetachGroupPolicy', 'iam:DetachUserPolicy'],
    reason: 'the platform has no IAM groups or users: policies are attached to roles only',
    unlessProperties: ['Groups', 'Users'],
  },
  {
    type: 'AWS::IAM::Policy',
    actions: ['iam:PutGroupPolicy', 'iam:PutUserPolicy', 'iam:GetGroupPolicy', 'iam:GetUserPolicy', 'iam:DeleteGroupPolicy', 'iam:DeleteUserPolicy'],
    reason: 'the platform has no IAM groups or users: inline policies belong to roles only',
    unlessProperties: ['Groups', 'Users'],
  },
  {
    type: 'AWS::ServiceCatalog::CloudFormationProduct',
    actions: ['codestar-connections:*', 'codeconnections:*'],
    reason: 'the products are provisioned from templates the stack uploads, not synced from a repository connection',
    unlessProperties: ['SourceConnection'],
  },
  {
    type: 'AWS::ServiceCatalog::PortfolioPrincipalAssociation',
    actions: ['iam:GetGroup', 'iam:GetUser'],
    reason: 'portfolios are associated with roles (the persona roles), never with IAM groups or users',
    appliesTo: (p) => /:role\//.test(JSON.stringify(p.PrincipalARN)),
  },
  {
    type: 'AWS::ECR::PullThroughCacheRule',
    actions: ['secretsmanager:GetSecretValue'],
    reason: 'the base-image cache pulls from ECR Public, which needs no upstream credentials',
    unlessProperties: ['CredentialArn'],
  },
  {
    type: 'AWS::IAM::Role',
    actions: ['iam:DeleteRolePermissionsBoundary'],
    reason: 'no template ever removes the boundary of a role; the execution policy denies it (NeverRemoveABoundary)',
  },
  {
    type: 'AWS::IAM::Role',
    actions: ['iam:PutRolePermissionsBoundary'],
    reason: 'a role created without a boundary (the Service Catalog launch role) never gets one later',
    appliesTo: (p) => p.PermissionsBoundary === undefined,
  },
  {
    type: 'AWS::S3::Bucket',
    actions: ['s3tables:*', 's3:CreateBucketMetadataTableConfiguration', 's3:GetBucketMetadataTableConfiguration', 's3:DeleteBucketMetadataTableConfiguration',
      's3:UpdateBucketMetadataAnnotationTableConfiguration', 's3:UpdateBucketMetadataInventoryTableConfiguration', 's3:UpdateBucketMetadataJournalTableConfiguration'],
    reason: 'S3 Tables are used only for bucket metadata tables, which no bucket configures',
    unlessProperties: ['MetadataTableConfiguration', 'MetadataConfiguration'],
  },
  {
    type: 'AWS::S3::Bucket',
    actions: ['iam:PassRole'],
    reason: 'the bucket handler passes a role only for replication, which no bucket configures',
    unlessProperties: ['ReplicationConfiguration'],
  },
  {
    type: 'AWS::S3::Bucket',
    actions: ['s3:DeleteObject', 's3:PutObjectAcl'],
    reason: 'the schema lists these object calls for create only, and a bucket the handler has just created holds no object (it lists no '
      + 's3:PutObject either); the delete handler does not empty a bucket (DeleteBucket, ListBucket only)',
  },
  {
    type: 'AWS::IAM::Role',
    actions: ['iam:PutRolePolicy'],
    reason: 'the handler puts only the inline policies of the Policies property; the roles carry managed policies, and CDK writes '
      + 'inline policies as AWS::IAM::Policy resources (held to PutRolePolicy themselves)',
    unlessProperties: ['Policies'],
  },
  {
    type: 'AWS::KMS::Key',
    actions: ['kms:DisableKey', 'kms:EnableKey'],
    reason: 'the KMS::Key handler disables a key only when Enabled is false, and enables it only when Enabled turns from false to true '
      + '(aws-cloudformation-resource-providers-kms, Create/UpdateHandler); no key sets Enabled',
    unlessProperties: ['Enabled'],
  },
  {
    type: 'AWS::KMS::Key',
    actions: ['kms:DisableKeyRotation'],
    reason: 'the KMS::Key handler switches rotation off only when EnableKeyRotation turns false (UpdateHandler); every key sets it true',
    appliesTo: (p) => p.EnableKeyRotation === true,
  },
  {
    type: 'AWS::SageMaker::ModelPackageGroup',
    actions: ['sagemaker:PutModelPackageGroupPolicy'],
    reason: 'the handler puts the resource policy of the ModelPackageGroupPolicy property; a group without one has none to put',
    unlessProperties: ['ModelPackageGroupPolicy'],
  },
  {
    type: 'AWS::Lambda::Function',
    actions: ['elasticfilesystem:*', 's3files:*'],
    reason: 'only for functions that mount a file system',
    unlessProperties: ['FileSystemConfigs'],
  },
  {
    type: 'AWS::Logs::LogGroup',
    actions: ['firehose:TagDeliveryStream'],
    reason: 'tags the Firehose stream of a log delivery; no log group delivers to Firehose',
  },
  {
    type: 'AWS::EC2::VPCEndpoint',
    actions: ['vpc-lattice:*', 'vpce:AllowMultiRegion'],
    reason: 'only for service-network or resource endpoints (VPC Lattice) and cross-region endpoints',
    unlessProperties: ['ServiceNetworkArn', 'ResourceConfigurationArn', 'ServiceRegion'],
  },
  {
    type: 'AWS::SageMaker::UserProfile',
    actions: ['sso:*', 'identitystore:*'],
    reason: 'only for user profiles of an IAM Identity Center domain; the reference app authenticates with IAM',
    unlessProperties: ['SingleSignOnUserIdentifier', 'SingleSignOnUserValue'],
  },
  {
    type: 'AWS::WAFv2::WebACLAssociation',
    actions: ['amplify:*', 'apprunner:*', 'appsync:*', 'bedrock-agentcore:*', 'cognito-idp:*', 'ec2:*', 'elasticloadbalancing:*'],
    reason: 'associations with other kinds of resources; the web ACL is associated with an API Gateway stage',
    appliesTo: (p) => /:apigateway:[a-z0-9-]+::\/restapis\//.test(String(p.ResourceArn)),
  },
  {
    type: 'AWS::WAFv2::LoggingConfiguration',
    actions: ['firehose:ListDeliveryStreams'],
    reason: 'only for logging to Firehose; the web ACL logs to CloudWatch Logs',
    appliesTo: (p) => [].concat(p.LogDestinationConfigs ?? []).every((d: unknown) => String(d).includes(':logs:')),
  },
  {
    type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    actions: ['appstream:*', 'cassandra:*', 'comprehend:*', 'dynamodb:*', 'ecs:*', 'elasticache:*', 'elasticmapreduce:*', 'kafka:*',
      'lambda:*', 'neptune-db:*', 'rds:*', 'spot-fleet:*', 'ec2:*', 'workspaces:*', 'custom-resource:*', 'autoscaling:*'],
    reason: 'scalable targets of other services; the platform scales SageMaker endpoint variants only',
    appliesTo: (p) => p.ServiceNamespace === 'sagemaker',
  },
  {
    type: 'AWS::ApiGateway::RestApi',
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    reason: 'the handler reads an OpenAPI definition from S3 only for BodyS3Location; the inference API is built from resources and methods',
    unlessProperties: ['BodyS3Location'],
  },
];

/** The entry that makes a call unneeded for a resource, if any. */
export function unneededEntry(type: string, action: string, properties: Record<string, any>): UnneededCall | undefined {
  return UNNEEDED_HANDLER_CALLS.find((e) => e.type === type
    && e.actions.some((a) => a === action || (a.endsWith(':*') && action.startsWith(a.slice(0, -1))))
    && !(e.unlessProperties ?? []).some((p) => properties[p] !== undefined)
    && (e.appliesTo === undefined || e.appliesTo(properties)));
}

