import { CfnOutput, CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Construct } from 'constructs';
import { applyProductBoundary, commonParameters, ECR_ACK_REASONS, ecrPullStatements, ecrRepositoriesOfThisRegion, PRODUCT_IAM_PREFIX, productKey } from './product-common';
import { acknowledgeRules } from '../core/acknowledge';
import { arnPattern, literalEnv, regionPinned, wildcardResourceFinding } from '../core/iam-findings';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';

/**
 * Props of a `ModelDeploymentProductStack`.
 */
export interface ModelDeploymentProductStackProps {
  /**
   * A description of the product template.
   * @default 'MLOps model deployment resources for one use case and stage'
   */
  readonly description?: string;
}

/**
 * The "Model Deployment" Service Catalog product: the deployment-side resources of one use case in one
 * stage. Launching it (parameters `UseCaseName`, `StageName`, `PermissionsBoundaryArn`,
 * `ModelArtifactsBucketName`, `ModelArtifactsKeyArn`) creates
 *
 * - a customer-managed KMS key (rotation on, retained),
 * - a `SecureBucket` for endpoint data capture (SSE-KMS with that key, TLS only, versioned, logged, retained),
 * - a SageMaker endpoint execution role `mlops-<use case>-<stage>-endpoint`, bounded by the given
 *   permissions boundary, that may read the approved model artifacts (bucket and key given as
 *   parameters), write data capture, pull serving images and write endpoint logs.
 *
 * The template has no file assets, so the product needs no asset bucket.
 */
export class ModelDeploymentProductStack extends servicecatalog.ProductStack {
  /** The `UseCaseName` parameter. */
  public readonly useCaseNameParameter: CfnParameter;
  /** The `StageName` parameter (`dev`, `int` or `prod`). */
  public readonly stageNameParameter: CfnParameter;
  /** The `PermissionsBoundaryArn` parameter. */
  public readonly boundaryArnParameter: CfnParameter;
  /** The key of the deployment resources. */
  public readonly encryptionKey: kms.Key;
  /** The data-capture bucket. */
  public readonly dataCaptureBucket: SecureBucket;
  /** The endpoint execution role. */
  public readonly endpointExecutionRole: iam.Role;

  /**
   * @param scope the stack (or a construct in it) that holds the portfolio
   * @param id the construct id
   * @param props optional description
   */
  constructor(scope: Construct, id: string, props: ModelDeploymentProductStackProps = {}) {
    super(scope, id, { description: props.description ?? 'MLOps model deployment resources for one use case and stage' });
    const { useCaseName, permissionsBoundaryArn } = commonParameters(this);
    this.useCaseNameParameter = useCaseName;
    this.boundaryArnParameter = permissionsBoundaryArn;
    this.stageNameParameter = new CfnParameter(this, 'StageName', {
      type: 'String',
      description: 'The deployment stage these resources serve.',
      allowedValues: ['dev', 'int', 'prod'],
    });
    const artifactsBucketName = new CfnParameter(this, 'ModelArtifactsBucketName', {
      type: 'String',
      description: 'The bucket that holds the approved model artifacts (e.g. the model-building artifact bucket).',
      allowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      constraintDescription: 'use an S3 bucket name',
    });
    const artifactsKeyArn = new CfnParameter(this, 'ModelArtifactsKeyArn', {
      type: 'String',
      description: 'The ARN of the KMS key that encrypts the model artifacts.',
      allowedPattern: '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]+$',
      constraintDescription: 'use the ARN of a KMS key (not an alias)',
    });
    const name = useCaseName.valueAsString;
    const stage = this.stageNameParameter.valueAsString;

    this.encryptionKey = productKey(this, name, 'model deployment');
    this.dataCaptureBucket = new SecureBucket(this, 'DataCapture', { encryptionKey: this.encryptionKey });
    const captureObjects = this.dataCaptureBucket.bucket.arnForObjects('*');
    // Product templates are environment-agnostic: wildcard ARNs leave partition, region and account open
    // (see arnPattern) and regional statements are pinned to the launch region instead.
    const env = literalEnv(this);
    const artifactObjects = arnPattern(this, 's3', `${artifactsBucketName.valueAsString}/*`);
    const endpointLogs = arnPattern(this, 'logs', 'log-group:/aws/sagemaker/Endpoints/*');

    const roleName = `${PRODUCT_IAM_PREFIX}${name}-${stage}-endpoint`;
    const policy = new iam.ManagedPolicy(this, 'EndpointExecutionPolicy', {
      managedPolicyName: roleName,
      description: 'SageMaker endpoint execution for one use case and stage: model artifacts, data capture, images and logs.',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadTheModelArtifacts',
          actions: ['s3:GetObject'],
          resources: [artifactObjects],
        }),
        new iam.PolicyStatement({
          sid: 'DecryptTheModelArtifacts',
          actions: ['kms:Decrypt'],
          resources: [artifactsKeyArn.valueAsString],
        }),
        new iam.PolicyStatement({
          sid: 'WriteDataCapture',
          actions: ['s3:PutObject'],
          resources: [captureObjects],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptDataCapture',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'],
          resources: [this.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteEndpointLogs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [endpointLogs],
          conditions: regionPinned(env),
        }),
        ...ecrPullStatements(this),
      ],
    });
    this.endpointExecutionRole = new iam.Role(this, 'EndpointExecutionRole', {
      roleName,
      description: 'SageMaker endpoint execution role of one use case and stage',
      assumedBy: accountScopedServicePrincipal(this, 'sagemaker.amazonaws.com'),
      permissionsBoundary: applyProductBoundary(this, permissionsBoundaryArn),
      managedPolicies: [policy],
    });

    acknowledgeRules(policy, {
      [wildcardResourceFinding(this, artifactObjects)]:
        'The endpoint loads the model artifact of whichever approved version is deployed; its key is only known at deployment, in the bucket named at launch.',
      [wildcardResourceFinding(this, captureObjects)]:
        'SageMaker names data-capture objects by endpoint, variant and hour at run time, only in the data-capture bucket of this use case.',
      [wildcardResourceFinding(this, endpointLogs)]:
        'SageMaker writes endpoint logs to /aws/sagemaker/Endpoints/<endpoint name>; endpoint names are made by the deployment pipeline.',
      [wildcardResourceFinding(this, ecrRepositoriesOfThisRegion(this))]: ECR_ACK_REASONS.repositories,
      'AwsSolutions-IAM5[Resource::*]': ECR_ACK_REASONS.token,
    });

    new CfnOutput(this, 'DataCaptureBucketName', { value: this.dataCaptureBucket.bucket.bucketName, description: 'The data-capture bucket' });
    new CfnOutput(this, 'EncryptionKeyArn', { value: this.encryptionKey.keyArn, description: 'The key of the deployment resources' });
    new CfnOutput(this, 'EndpointExecutionRoleArn', { value: this.endpointExecutionRole.roleArn, description: 'The SageMaker endpoint execution role' });
  }
}
