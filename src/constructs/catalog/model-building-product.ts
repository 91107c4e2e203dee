import { CfnOutput, CfnParameter, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Construct } from 'constructs';
import { applyProductBoundary, commonParameters, ECR_ACK_REASONS, ecrPullStatements, ecrRepositoriesOfThisRegion, PRODUCT_IAM_PREFIX, productKey, roleArnByName } from './product-common';
import { acknowledgeRules } from '../core/acknowledge';
import { arnPattern, literalEnv, regionPinned, wildcardResourceFinding } from '../core/iam-findings';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';

/**
 * Props of a `ModelBuildingProductStack`.
 */
export interface ModelBuildingProductStackProps {
  /**
   * A description of the product template.
   * @default 'MLOps model building workspace for one use case'
   */
  readonly description?: string;
}

/**
 * The "Model Building" Service Catalog product: a per-use-case model-building workspace. Launching it
 * (parameters `UseCaseName` and `PermissionsBoundaryArn`) creates
 *
 * - a customer-managed KMS key (rotation on, retained),
 * - a `SecureBucket` for pipeline artifacts (SSE-KMS with that key, TLS only, versioned, logged, retained),
 * - a SageMaker model package group named after the use case (retained: its model versions are model data),
 * - a SageMaker pipeline execution role `mlops-<use case>-build-pipeline`, bounded by the given
 *   permissions boundary, that may run SageMaker Pipelines processing and training jobs (only with the
 *   use case's key for volumes and outputs), use the artifact bucket and key, and register model
 *   versions in the use case's group.
 *
 * The template has no file assets, so the product needs no asset bucket.
 */
export class ModelBuildingProductStack extends servicecatalog.ProductStack {
  /** The `UseCaseName` parameter. */
  public readonly useCaseNameParameter: CfnParameter;
  /** The `PermissionsBoundaryArn` parameter. */
  public readonly boundaryArnParameter: CfnParameter;
  /** The key of the workspace. */
  public readonly encryptionKey: kms.Key;
  /** The artifact bucket. */
  public readonly artifactsBucket: SecureBucket;
  /** The model package group. */
  public readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;
  /** The pipeline execution role. */
  public readonly pipelineExecutionRole: iam.Role;

  /**
   * @param scope the stack (or a construct in it) that holds the portfolio
   * @param id the construct id
   * @param props optional description
   */
  constructor(scope: Construct, id: string, props: ModelBuildingProductStackProps = {}) {
    super(scope, id, { description: props.description ?? 'MLOps model building workspace for one use case' });
    const { useCaseName, permissionsBoundaryArn } = commonParameters(this);
    this.useCaseNameParameter = useCaseName;
    this.boundaryArnParameter = permissionsBoundaryArn;
    const name = useCaseName.valueAsString;

    this.encryptionKey = productKey(this, name, 'model building');
    this.artifactsBucket = new SecureBucket(this, 'Artifacts', { encryptionKey: this.encryptionKey });
    const bucket = this.artifactsBucket.bucket;

    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: name,
      modelPackageGroupDescription: `Model versions of the ${name} use case`,
    });
    // model versions are model data: kept when the product is terminated (a group with versions cannot be
    // deleted anyway, which would fail the termination)
    this.modelPackageGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const roleName = `${PRODUCT_IAM_PREFIX}${name}-build-pipeline`;
    // Product templates are environment-agnostic: wildcard ARNs leave partition, region and account open
    // (see arnPattern) and the statements are pinned to the launch region instead.
    const env = literalEnv(this);
    const jobs = [arnPattern(this, 'sagemaker', 'processing-job/pipelines-*'), arnPattern(this, 'sagemaker', 'training-job/pipelines-*')];
    const modelPackages = arnPattern(this, 'sagemaker', `model-package/${name}/*`);
    const objects = bucket.arnForObjects('*');
    const logGroups = arnPattern(this, 'logs', 'log-group:/aws/sagemaker/*');

    const policy = new iam.ManagedPolicy(this, 'PipelineExecutionPolicy', {
      managedPolicyName: roleName,
      description: 'SageMaker pipeline execution for one use case: its jobs, artifacts, key and model package group.',
      statements: [
        new iam.PolicyStatement({
          sid: 'StartPipelineJobsEncryptedWithTheUseCaseKey',
          actions: ['sagemaker:CreateProcessingJob', 'sagemaker:CreateTrainingJob'],
          resources: jobs,
          conditions: regionPinned(env, {
            StringEquals: { 'sagemaker:VolumeKmsKeyArn': this.encryptionKey.keyArn, 'sagemaker:OutputKmsKeyArn': this.encryptionKey.keyArn },
          }),
        }),
        new iam.PolicyStatement({
          sid: 'FollowPipelineJobs',
          actions: [
            'sagemaker:DescribeProcessingJob',
            'sagemaker:DescribeTrainingJob',
            'sagemaker:StopProcessingJob',
            'sagemaker:StopTrainingJob',
            'sagemaker:AddTags',
          ],
          resources: jobs,
          conditions: regionPinned(env),
        }),
        new iam.PolicyStatement({
          sid: 'RegisterModelVersions',
          actions: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup'],
          resources: [this.modelPackageGroup.attrModelPackageGroupArn, modelPackages],
          conditions: regionPinned(env),
        }),
        new iam.PolicyStatement({
          sid: 'UseTheArtifactBucket',
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [objects],
        }),
        new iam.PolicyStatement({
          sid: 'ListTheArtifactBucket',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'UseTheUseCaseKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'LetSageMakerEncryptJobVolumes',
          actions: ['kms:CreateGrant'],
          resources: [this.encryptionKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteJobLogs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroups],
          conditions: regionPinned(env),
        }),
        new iam.PolicyStatement({
          sid: 'PassThisRoleToSageMakerJobs',
          actions: ['iam:PassRole'],
          resources: [roleArnByName(roleName)],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
        ...ecrPullStatements(this),
      ],
    });
    this.pipelineExecutionRole = new iam.Role(this, 'PipelineExecutionRole', {
      roleName,
      description: 'SageMaker pipeline execution role of one use case',
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: applyProductBoundary(this, permissionsBoundaryArn),
      managedPolicies: [policy],
    });

    acknowledgeRules(policy, {
      [wildcardResourceFinding(this, jobs[0])]:
        'SageMaker Pipelines names its processing jobs pipelines-<execution>-<step>; the names are made at run time, and creation requires the use-case key.',
      [wildcardResourceFinding(this, jobs[1])]:
        'SageMaker Pipelines names its training jobs pipelines-<execution>-<step>; the names are made at run time, and creation requires the use-case key.',
      [wildcardResourceFinding(this, modelPackages)]:
        'Model versions are numbered by SageMaker when registered; the pattern is confined to the model package group of this use case.',
      [wildcardResourceFinding(this, objects)]:
        'Pipeline steps write and read artifacts under keys made at run time, only in the artifact bucket of this use case.',
      [wildcardResourceFinding(this, logGroups)]:
        'SageMaker jobs log to /aws/sagemaker/ProcessingJobs and /aws/sagemaker/TrainingJobs with per-job streams named at run time.',
      [wildcardResourceFinding(this, ecrRepositoriesOfThisRegion(this))]: ECR_ACK_REASONS.repositories,
      'AwsSolutions-IAM5[Resource::*]': ECR_ACK_REASONS.token,
    });

    new CfnOutput(this, 'ArtifactsBucketName', { value: bucket.bucketName, description: 'The artifact bucket of the use case' });
    new CfnOutput(this, 'EncryptionKeyArn', { value: this.encryptionKey.keyArn, description: 'The key of the use case (volumes, outputs, artifacts)' });
    new CfnOutput(this, 'ModelPackageGroupName', { value: this.modelPackageGroup.modelPackageGroupName, description: 'The model package group of the use case' });
    new CfnOutput(this, 'PipelineExecutionRoleArn', { value: this.pipelineExecutionRole.roleArn, description: 'The SageMaker pipeline execution role' });
  }
}
