import { Annotations, CfnOutput, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEPLOYMENT_STAGE_OF, requiresApprovalBefore } from './deployment-approvals';
import { createRetrainingForward } from './retraining-loop';
import { SMOKE_TEST_TAG_KEY } from './serving-stack';
import { UseCaseImageBuild } from './usecase-image';
import { SERVING_STAGES } from './usecase-names';
import { UseCaseSourceProps } from './usecase-props';
import { UseCaseStack } from './usecase-stack';
import { PipelineSource } from '../../constructs/core';
import { ManagedPolicyRole } from '../../constructs/core/managed-policy-role';
import { SecureBucket } from '../../constructs/core/secure-bucket';
import { ModelDeploymentPipeline } from '../../constructs/deployment';
import { PlatformKey } from '../../constructs/security';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { DEPLOYS_TO_TAG_KEY } from '../onboarding/scoped-deploy-roles';
import { platformPackageMirror } from '../platform/platform-mirror';

/**
 * Props of a `DeploymentStack`.
 */
export interface DeploymentStackProps {
  /** The validated platform configuration. */
  readonly platform: PlatformConfig;
  /** The use-case name. */
  readonly useCaseName: string;
  /**
   * Where the pipeline gets the repository from.
   * @default - an S3 source bucket created here (`source.zip`)
   */
  readonly source?: UseCaseSourceProps;
  /**
   * The stages whose drift alarm starts retraining (`UseCaseStageSettings.retraining`; `MlopsUseCase`
   * passes them).
   * @default - none: no retraining rule
   */
  readonly retrainingStages?: PlatformAccount[];
}

/**
 * The deployment stack of a use case in RES: the model-deployment pipeline (resolve the approved version
 * once, synth, DEV, smoke test, approval, INT, smoke test, approval, PROD), started by the model event bus
 * when a version of the use case's group is approved. It deploys the serving stacks that are its siblings
 * in the construct tree (`<parent path>/ServingDev`, ...: `UseCaseNames.servingStackId`), as `MlopsUseCase`
 * creates them.
 */
export class DeploymentStack extends UseCaseStack {
  /** The deployment pipeline. */
  public readonly pipeline: ModelDeploymentPipeline;
  /** The key of the pipeline's artifacts, logs and notifications. */
  public readonly key: PlatformKey;
  /** The S3 source bucket, when the source is S3. */
  public readonly sourceBucket?: SecureBucket;
  /**
   * The role that may write the S3 source object (a new version starts the pipeline), when the source is
   * S3: `<prefix>-<use case>-source-writer`, trusted by the platform's GitHub deploy role in EXP when the
   * platform configures GitHub, else by this account (whose administrators grant `sts:AssumeRole` on it).
   */
  public readonly sourceWriterRole?: iam.IRole;
  /**
   * The use case's image: its repository in the central registry and the pipeline that builds it from
   * the repository's `ml/` (the S3 object `ml.zip`, or the connection's repository).
   */
  public readonly image: UseCaseImageBuild;
  /**
   * The rule on the RES model event bus that forwards the use case's drift alarm events to the EXP
   * retraining bus (with `retrainingStages`).
   */
  public readonly retrainingForwardRule?: events.Rule;
  /** The role of that rule's target, allowed `events:PutEvents` on the EXP retraining bus only. */
  public readonly retrainingForwardRole?: iam.IRole;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the platform, use case and source
   */
  constructor(scope: Construct, id: string, props: DeploymentStackProps) {
    super(scope, id, {
      platform: props.platform,
      useCaseName: props.useCaseName,
      account: PlatformAccount.RES,
      stackName: `${props.platform.prefix}-${props.useCaseName}-deployment`,
      purpose: 'model deployment pipeline in RES',
    });
    const names = this.names;
    const config = this.platform;
    this.key = new PlatformKey(this, 'Key', {
      aliasName: `${names.platform.prefix}/${names.useCase}/deployment`,
      description: `${names.base}: deployment pipeline artifacts, logs and notifications`,
    });

    const src = props.source ?? {};
    let source: PipelineSource;
    let imageSource: PipelineSource;
    if (src.connectionArn) {
      if (!src.owner || !src.repository) {
        throw new Error(`${this.stackName}: source.connectionArn is set but ${!src.owner ? 'source.owner' : 'source.repository'} is not; give the GitHub owner and repository of the use case`);
      }
      source = PipelineSource.fromConnection({
        connectionArn: src.connectionArn,
        owner: src.owner,
        repository: src.repository,
        branch: src.branch,
      });
      imageSource = source;
    } else {
      const objectKey = src.objectKey ?? 'source.zip';
      this.sourceBucket = new SecureBucket(this, 'Source', { encryptionKey: this.key.key, bucketName: names.deploymentSourceBucketName });
      source = PipelineSource.fromS3(this.sourceBucket.bucket, objectKey);
      imageSource = PipelineSource.fromS3(this.sourceBucket.bucket, names.imageSourceObjectKey);
      this.sourceWriterRole = this.createSourceWriter(this.sourceBucket, objectKey);
    }

    // cdk deploy selects a stack by its hierarchical id (its construct path), not by its CloudFormation
    // name: the serving stacks are this stack's siblings under the MlopsUseCase
    const parentPath = this.node.scope?.node.path ?? '';
    const servingStackPath = (stage: PlatformAccount): string => [parentPath, names.servingStackId(stage)].filter((p) => p.length > 0).join('/');
    const network = config.account(PlatformAccount.RES).network;
    const exp = config.account(PlatformAccount.EXP);
    if (network && exp.region !== this.region) {
      // the RES VPC's interface endpoints serve its own region only
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:mirrorInAnotherRegion',
        `the deployment pipeline's builds run in the RES VPC (${this.region}), but the package mirror and the model registry are in EXP's region ${exp.region}: ` +
          'an isolated VPC reaches no endpoint of another region, so npm ci and Resolve fail there; put RES and EXP in one region, or give the RES VPC a route to that region',
      );
    }
    this.image = new UseCaseImageBuild(this, 'Image', {
      names,
      encryptionKey: this.key.key,
      source: imageSource,
      // a zip of ml/ is the build context itself; the repository holds it in ml/
      buildContext: src.connectionArn ? 'ml' : '.',
      vpc: network ? this.vpc : undefined,
      permissionsBoundary: this.permissionsBoundary,
    });
    if (this.sourceWriterRole) this.grantImagePublishing(this.sourceWriterRole);

    const entry = config.useCase(names.useCase);
    const registered = entry !== undefined;
    this.pipeline = new ModelDeploymentPipeline(this, 'Pipeline', {
      pipelineName: names.deploymentPipelineName,
      encryptionKey: this.key.key,
      source,
      modelPackageGroupName: names.modelPackageGroupName,
      registryAccount: config.account(PlatformAccount.EXP).accountId,
      registryRegion: config.account(PlatformAccount.EXP).region,
      modelEventBus: names.platform.eventBusName,
      qualifier: config.qualifier,
      resolveRoleName: names.resolveRoleName,
      // the team's addresses of the use case's entry of useCases (each confirms the subscription once)
      approvalEmails: entry?.approvalEmails,
      permissionsBoundary: this.permissionsBoundary,
      // npm ci through the platform's CodeArtifact mirror in EXP (the isolated RES VPC reaches no other registry)
      packageMirror: platformPackageMirror(names.platform),
      vpc: network ? this.vpc : undefined,
      targets: SERVING_STAGES.map((stage) => ({
        stage: DEPLOYMENT_STAGE_OF[stage],
        account: config.account(stage).accountId,
        region: config.account(stage).region,
        stackPath: servingStackPath(stage),
        endpointName: names.endpointName(stage),
        smokeTestRoleArn: names.roleArn(stage, names.smokeTestRoleName(stage)),
        smokeTestCallerRoleName: names.smokeTestCallerRoleName(stage),
        // the stage's scoped deploy roles trust exactly this role by ARN
        deployCallerRoleName: registered ? names.deployCallerRoleName(stage) : undefined,
        // a use case of `useCases` deploys through its own scoped roles of the stage (its onboarding), not the bootstrap roles
        deployRoleArns: registered
          ? [names.roleArn(stage, names.stageDeployRoleName(stage)), names.roleArn(stage, names.assetPublishingRoleName(stage))]
          : undefined,
        requiresApprovalBefore: requiresApprovalBefore(stage),
      })),
    });
    // the stage it deploys to, as a label (the scoped deploy roles trust the role by ARN, not by this tag)
    if ((props.retrainingStages ?? []).length > 0) {
      const forward = createRetrainingForward(this, names, props.retrainingStages!);
      this.retrainingForwardRule = forward.rule;
      this.retrainingForwardRole = forward.role;
    }
    if (registered) SERVING_STAGES.forEach((stage, i) => Tags.of(this.pipeline.deployRoles[i]).add(DEPLOYS_TO_TAG_KEY, stage));
    // the smoke-test roles in DEV, INT and PROD trust exactly these roles by ARN; the tag only labels them
    for (const role of this.pipeline.smokeTestRoles) Tags.of(role).add(SMOKE_TEST_TAG_KEY, names.base);
  }

  /**
   * Lets the source writer (the use case's GitHub workflow) start an image build and read its result:
   * put `ml.zip`, follow the image pipeline's execution of that object version, and read the promoted
   * digests of the use case's repository (the training stack's `ImageDigest`).
   */
  private grantImagePublishing(role: iam.IRole): void {
    const names = this.names;
    // by name: the writer's policy names exactly this use case's pipeline and repository
    const pipelineArn = `arn:${names.platform.partition(PlatformAccount.RES)}:codepipeline:${this.region}:${this.account}:${names.imageBuildPipelineName}`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteTheImageSource',
      // the git tree hash of ml/ is a tag of the object (is a build needed?): tags need no decryption
      actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:GetObjectTagging'],
      resources: [this.sourceBucket!.bucket.arnForObjects(names.imageSourceObjectKey)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FollowTheImageBuild',
      actions: ['codepipeline:ListPipelineExecutions', 'codepipeline:GetPipelineExecution', 'codepipeline:ListActionExecutions'],
      resources: [pipelineArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTheImageDigests',
      actions: ['ecr:DescribeImages'],
      resources: [names.imageRepositoryArn],
    }));
  }

  /** The writer of the S3 source object: a role that may put exactly that object, encrypted with the stack's key. */
  private createSourceWriter(bucket: SecureBucket, objectKey: string): iam.IRole {
    const names = this.names;
    const github = this.platform.github;
    const role = new ManagedPolicyRole(this, 'SourceWriter', {
      roleName: names.deploymentSourceWriterRoleName,
      description: `Writes the repository zip that the model deployment pipeline of ${names.useCase} deploys from (s3://${names.deploymentSourceBucketName}/${objectKey})`,
      // the GitHub workflow chains from the EXP deploy role with session tags (configure-aws-credentials)
      // with `useCases`, only the use case's own GitHub role; without, the legacy org-wide role
      assumedBy: github
        ? new iam.ArnPrincipal(this.platform.useCases.length > 0
          ? names.roleArn(PlatformAccount.EXP, names.githubRoleName)
          : names.platform.githubDeployRoleArn).withSessionTags()
        : new iam.ArnPrincipal(`arn:${names.platform.partition(PlatformAccount.RES)}:iam::${this.account}:root`),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'WriteTheSourceObject', actions: ['s3:PutObject'], resources: [bucket.bucket.arnForObjects(objectKey)] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptTheSourceObject',
        actions: ['kms:GenerateDataKey'],
        resources: [this.key.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
      }),
    );
    new CfnOutput(this, 'SourceBucketName', { value: bucket.bucket.bucketName, description: 'The S3 source bucket of the model deployment pipeline' });
    new CfnOutput(this, 'SourceObjectKey', { value: objectKey, description: 'The repository zip the pipeline deploys from; a new version starts it' });
    new CfnOutput(this, 'SourceWriterRoleArn', { value: role.roleArn, description: 'The role that may write the source object' });
    return role;
  }
}
