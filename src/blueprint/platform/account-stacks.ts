import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlatformAccountStack } from './platform-account-stack';
import { ImageBuildPipeline, ImageRegistry, PackageMirror, PackageMirrorReference } from '../../constructs/artifacts';
import { MlopsPortfolio } from '../../constructs/catalog';
import { PipelineSource, SecureBucket } from '../../constructs/core';
import { acknowledgeRules } from '../../constructs/core/acknowledge';
import { DataShare, GlueColumnType } from '../../constructs/data';
import { ModelEventBus } from '../../constructs/events';
import { DataScientistProfile, StudioAuthMode, StudioDomain } from '../../constructs/studio';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';

/**
 * Props of the account stacks: the configuration (the account is implied by the class).
 */
export interface AccountStackProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;
}

/**
 * DATA: the governed data lake. The Glue database and the column-level Lake Formation grants of SELECT
 * to EXP, from `dataShare` of the configuration.
 */
export class DataAccountStack extends PlatformAccountStack {
  /** The data share, if configured. */
  public readonly dataShare?: DataShare;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the configuration
   */
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, { config: props.config, account: PlatformAccount.DATA });
    const share = props.config.dataShare;
    if (share) {
      this.dataShare = new DataShare(this, 'DataShare', {
        databaseName: share.databaseName,
        tables: share.tables.map((t) => ({
          tableName: t.name,
          location: t.location,
          columns: t.columns.map((c) => ({ name: c.name, columnType: GlueColumnType.of(c.type) })),
        })),
        columnGrants: share.tables.map((t) => ({ tableName: t.name, columnNames: t.sharedColumns })),
        consumerAccountId: props.config.account(PlatformAccount.EXP).accountId,
        encryptionKey: this.platformKey.key,
        permissionsBoundary: this.guardrails.permissionsBoundary,
      });
    }
  }
}

/**
 * EXP: experimentation. The SageMaker Studio domain in the isolated VPC with one user profile per data
 * scientist, and the CodeArtifact mirror of PyPI and npm.
 */
export class ExpAccountStack extends PlatformAccountStack {
  /** The Studio domain. */
  public readonly studio: StudioDomain;
  /** The user profiles, by user profile name. */
  public readonly profiles: { [userProfileName: string]: DataScientistProfile };
  /** The package mirror. */
  public readonly packageMirror: PackageMirror;
  /** The role GitHub Actions of the use-case repositories assume (with `github` configured). */
  public readonly githubDeployRole?: iam.Role;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the configuration
   */
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, { config: props.config, account: PlatformAccount.EXP });
    const config = props.config;
    const studio = config.studio;
    this.studio = new StudioDomain(this, 'Studio', {
      domainName: this.names.studioDomainName,
      vpc: this.network!.vpc,
      vpcSubnets: this.network!.subnetSelection,
      encryptionKey: this.mlKey!.key,
      permissionsBoundary: this.guardrails.permissionsBoundary,
      guardrailPolicy: this.guardrails.guardrailPolicy,
      authMode: studio.authMode === 'SSO' ? StudioAuthMode.IAM_IDENTITY_CENTER : StudioAuthMode.IAM,
      idleTimeout: Duration.minutes(studio.idleTimeoutMinutes ?? 60),
      maxIdleTimeout: Duration.minutes(Math.max(studio.idleTimeoutMinutes ?? 60, 240)),
    });
    this.profiles = {};
    for (const user of studio.users ?? []) {
      this.profiles[user.userProfileName] = new DataScientistProfile(this, `Profile-${user.userProfileName}`, {
        domain: this.studio,
        userProfileName: user.userProfileName,
        identityCenterUserName: user.identityCenterUserName,
      });
    }
    this.packageMirror = new PackageMirror(this, 'PackageMirror', {
      encryptionKey: this.platformKey.key,
      domainName: this.names.codeArtifactDomainName,
      readerAccountIds: [PlatformAccount.EXP, PlatformAccount.RES, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]
        .map((a) => config.account(a).accountId)
        .filter((accountId, i, all) => all.indexOf(accountId) === i),
      organizationId: config.organizationId,
    });
    if (config.github) this.githubDeployRole = this.createGithubDeployRole(config);
  }

  /**
   * The GitHub OIDC provider and the deploy role of the use-case repositories: the `main` branch of the
   * configured repositories may deploy the use cases' training stacks (through the CDK bootstrap roles of
   * the configured qualifier), upload their ML code and start their model-build pipelines. Nothing else.
   */
  private createGithubDeployRole(config: PlatformConfig): iam.Role {
    const github = config.github!;
    const provider = new iam.OidcProviderNative(this, 'GithubOidc', {
      url: 'https://token.actions.githubusercontent.com',
      clientIds: ['sts.amazonaws.com'],
    });
    const subjects = (github.repositories ?? ['*']).map((r) => `repo:${github.organization}/${r}:ref:refs/heads/main`);
    const role = new iam.Role(this, 'GithubDeployRole', {
      roleName: this.names.githubDeployRoleName,
      description: `GitHub Actions of ${github.organization}'s use-case repositories (main branch): deploy training stacks, start pipelines`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(provider.oidcProviderArn, {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': subjects },
      }),
    });
    const { accountId, region } = config.account(PlatformAccount.EXP);
    const partition = this.names.partition(PlatformAccount.EXP);
    const q = config.qualifier;
    const policy = new iam.ManagedPolicy(this, 'GithubDeployPolicy', {
      description: 'Deploy use-case training stacks through the CDK bootstrap roles, upload ML code, start model-build pipelines',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeTheCdkBootstrapRoles',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(
            (r) => `arn:${partition}:iam::${accountId}:role/cdk-${q}-${r}-role-${accountId}-${region}`,
          ),
        }),
        new iam.PolicyStatement({
          // the deployment pipelines' S3 sources in RES: each use case's <prefix>-<use case>-source-writer trusts this role
          sid: 'AssumeTheDeploymentSourceWriters',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [`arn:${this.names.partition(PlatformAccount.RES)}:iam::${config.account(PlatformAccount.RES).accountId}:role/${config.prefix}-*-source-writer`],
        }),
        new iam.PolicyStatement({
          sid: 'UploadUseCaseCode',
          actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket'],
          resources: [`arn:${partition}:s3:::${config.prefix}-*-artifacts-${accountId}`, `arn:${partition}:s3:::${config.prefix}-*-artifacts-${accountId}/code/*`],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptUseCaseCode',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [`arn:${partition}:kms:${region}:${accountId}:key/*`],
          conditions: {
            'ForAnyValue:StringLike': { 'kms:ResourceAliases': `alias/${config.prefix}/*/artifacts` },
            'StringEquals': { 'kms:ViaService': `s3.${region}.amazonaws.com` },
          },
        }),
        new iam.PolicyStatement({
          sid: 'StartModelBuildPipelines',
          actions: ['sagemaker:StartPipelineExecution', 'sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
          resources: [
            `arn:${partition}:sagemaker:${region}:${accountId}:pipeline/${config.prefix}-*`,
            `arn:${partition}:sagemaker:${region}:${accountId}:pipeline/${config.prefix}-*/execution/*`,
          ],
        }),
      ],
    });
    const reasons: Record<string, string> = {
      [`AwsSolutions-IAM5[Resource::arn:${this.names.partition(PlatformAccount.RES)}:iam::${config.account(PlatformAccount.RES).accountId}:role/${config.prefix}-*-source-writer]`]:
        'The source-writer roles of the use cases\' deployment pipelines in RES, all named <prefix>-<use case>-source-writer; each may only put its own pipeline\'s source object.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${config.prefix}-*-artifacts-${accountId}]`]:
        'The artifact buckets of every use case of the platform follow this fixed naming; the role lists them to sync ML code.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${config.prefix}-*-artifacts-${accountId}/code/*]`]:
        'Only the code/ prefix of the use cases\' artifact buckets: the ML code the model-build pipelines run.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:kms:${region}:${accountId}:key/*]`]:
        'Key ids are not known in advance; kms:ResourceAliases limits the statement to the use cases\' artifact keys, kms:ViaService to S3.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:sagemaker:${region}:${accountId}:pipeline/${config.prefix}-*]`]:
        'The model-build pipelines of the platform\'s use cases, all named with the platform prefix.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:sagemaker:${region}:${accountId}:pipeline/${config.prefix}-*/execution/*]`]:
        'The executions of those pipelines, to follow the run the workflow started.',
    };
    acknowledgeRules(policy, reasons);
    return role;
  }
}

/**
 * RES: resources and CI/CD. The central ECR registry with one image build pipeline per repository, the
 * model event bus that receives model-approval events from EXP, and the Service Catalog portfolio.
 */
export class ResAccountStack extends PlatformAccountStack {
  /** The central image registry. */
  public readonly registry: ImageRegistry;
  /** The bucket the image sources are uploaded to (`<repository>/source.zip`). */
  public readonly imageSources: SecureBucket;
  /** The image build pipelines, by repository short name. */
  public readonly imageBuilds: { [repository: string]: ImageBuildPipeline };
  /** The model event bus. */
  public readonly eventBus: ModelEventBus;
  /** The Service Catalog portfolio. */
  public readonly portfolio: MlopsPortfolio;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the configuration
   */
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, { config: props.config, account: PlatformAccount.RES });
    const config = props.config;
    const consumers = [PlatformAccount.EXP, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]
      .map((a) => config.account(a).accountId)
      .filter((accountId, i, all) => accountId !== config.account(PlatformAccount.RES).accountId && all.indexOf(accountId) === i);

    this.registry = new ImageRegistry(this, 'Registry', {
      encryptionKey: this.platformKey.key,
      repositoryNames: config.imageRepositories.map((r) => this.names.repositoryName(r)),
      pullAccountIds: consumers,
    });
    this.imageSources = new SecureBucket(this, 'ImageSources', { encryptionKey: this.platformKey.key });
    this.imageBuilds = {};
    for (const repository of config.imageRepositories) {
      this.imageBuilds[repository] = new ImageBuildPipeline(this, `ImageBuild-${repository}`, {
        encryptionKey: this.platformKey.key,
        source: PipelineSource.fromS3(this.imageSources.bucket, `${repository}/source.zip`),
        registry: this.registry,
        repositoryName: this.names.repositoryName(repository),
        smokeTestCommands: ['docker run --rm --entrypoint python3 "$IMAGE_URI" -c "import sys; print(sys.version)"'],
        vpc: this.network?.vpc,
        subnetSelection: this.network?.subnetSelection,
        // pip inside docker build through the CodeArtifact mirror of EXP
        packageMirror: PackageMirrorReference.fromAttributes({
          domainName: this.names.codeArtifactDomainName,
          domainOwner: config.account(PlatformAccount.EXP).accountId,
          region: config.account(PlatformAccount.EXP).region,
        }),
        permissionsBoundary: this.guardrails.permissionsBoundary,
        pipelineName: `${config.prefix}-image-${repository.replace(/[^A-Za-z0-9-]/g, '-')}`,
      });
    }

    this.eventBus = new ModelEventBus(this, 'ModelEvents', {
      eventBusName: this.names.eventBusName,
      sourceAccountIds: [config.account(PlatformAccount.EXP).accountId],
      organizationId: config.organizationId,
      encryptionKey: this.platformKey.key,
    });

    this.portfolio = new MlopsPortfolio(this, 'Portfolio', {
      displayName: `${config.prefix} MLOps`,
      principalRoleArns: config.catalogPrincipalArns.length > 0 ? config.catalogPrincipalArns : undefined,
      productRolesBoundary: this.guardrails.permissionsBoundary,
      launchRoleName: this.names.catalogLaunchRoleName,
    });
    // The launch role creates the products' roles (each with the boundary): the boundary, which forbids
    // creating roles and writing policies, cannot apply to it. The bootstrap execution policy admits exactly
    // this role name without the boundary.
    iam.PermissionsBoundary.of(this.portfolio.launchRole).clear();
  }
}

/**
 * DEV, INT or PROD: the deployment targets. The isolated network, the ML key for endpoint volumes and
 * data capture, and the persona roles of the stage (DEV troubleshooting, INT and PROD read-only).
 */
export class StageAccountStack extends PlatformAccountStack {
  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the configuration
   * @param account DEV, INT or PROD
   */
  constructor(scope: Construct, id: string, props: AccountStackProps, account: PlatformAccount) {
    if (![PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD].includes(account)) {
      throw new Error(`StageAccountStack: account must be DEV, INT or PROD, not ${account.toUpperCase()}`);
    }
    super(scope, id, { config: props.config, account });
  }
}
