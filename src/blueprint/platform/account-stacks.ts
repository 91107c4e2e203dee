import { Annotations, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BaseImageCache } from './base-image-cache';
import { PlatformAccountStack, PlatformParameter } from './platform-account-stack';
import { platformPackageMirror } from './platform-mirror';
import { admitDriftEvents, createRetrainingBus } from './retraining-bus';
import { ImageBuildPipeline, ImageRegistry, PackageMirror } from '../../constructs/artifacts';
import { MlopsPortfolio, MlopsProduct } from '../../constructs/catalog';
import { PipelineSource, SecureBucket } from '../../constructs/core';
import { acknowledgeRules } from '../../constructs/core/acknowledge';
import { DataLakeLocation, DataShare, DataShareConsumer, GlueColumnType } from '../../constructs/data';
import { ModelEventBus } from '../../constructs/events';
import { Persona } from '../../constructs/security';
import { DataScientistProfile, StudioAuthMode, StudioDomain } from '../../constructs/studio';
import { sharesDataPerUseCase } from '../config/data-access';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { KeyPurpose, PlatformNames } from '../naming';
import { dataScientistsWorkGroupName } from '../onboarding/usecase-studio';
import { UseCaseNames } from '../usecase/usecase-names';

/**
 * Props of the account stacks: the configuration (the account is implied by the class).
 */
export interface AccountStackProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;

  /**
   * DEV, INT and PROD: whether the stack sets API Gateway's account-wide CloudWatch role
   * (`AWS::ApiGateway::Account`). Turn it off where a landing zone already sets it. Ignored elsewhere.
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean;
}

/**
 * DATA: the governed data lake. The Glue database and the Lake Formation grants to EXP, from `dataShare`
 * of the configuration: column-level SELECT to the EXP account, or, once a use case declares `dataAccess`,
 * DESCRIBE only (each use case's onboarding grants its data cells filters to its roles), with what
 * cross-account Lake Formation needs to work:
 *
 * - the CDK CloudFormation execution role of DATA (`cdk-<qualifier>-cfn-exec-role-<account>-<region>`)
 *   and the configured `dataShare.lakeFormationAdminArns` become data lake administrators
 *   (`AWS::LakeFormation::DataLakeSettings`, appended to the existing administrators; note that any
 *   later `PutDataLakeSettings` outside this stack REPLACES the whole list, so keep every administrator
 *   the account needs in the configuration): only an administrator may grant to another account, which
 *   Lake Formation does through AWS RAM;
 * - the S3 location of the tables is registered with Lake Formation with a role that may read it and
 *   decrypt with the platform key of DATA (the data lake's key), so that Lake Formation vends
 *   credentials for it to the principals it has granted.
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
    const perUseCase = sharesDataPerUseCase(props.config);
    if (share) {
      this.dataShare = new DataShare(this, 'DataShare', {
        databaseName: share.databaseName,
        tables: share.tables.map((t) => ({
          tableName: t.name,
          location: t.location,
          columns: t.columns.map((c) => ({ name: c.name, columnType: GlueColumnType.of(c.type) })),
        })),
        // per use case (useCases[].dataAccess): EXP as an account gets DESCRIBE on the database only, no
        // SELECT and no grant option; each use case's DATA onboarding stack grants its own data cells
        // filters to its own roles
        columnGrants: perUseCase ? [] : share.tables.map((t) => ({ tableName: t.name, columnNames: t.sharedColumns })),
        consumerCanRegrant: !perUseCase,
        consumerAccountId: props.config.account(PlatformAccount.EXP).accountId,
        encryptionKey: this.platformKey.key,
        permissionsBoundary: this.guardrails.permissionsBoundary,
        lakeFormationAdminArns: [cfnExecRoleArn(props.config, PlatformAccount.DATA), ...(share.lakeFormationAdminArns ?? [])],
        dataLakeLocation: this.dataLakeLocation(share.tables.map((t) => t.location)),
      });
    }
  }

  /** The one bucket (and the longest common prefix) that holds every shared table, with the data lake key. */
  private dataLakeLocation(locations: string[]): DataLakeLocation {
    const parsed = locations.map((l) => /^s3:\/\/([^/]+)\/?(.*)$/.exec(l)!);
    const buckets = [...new Set(parsed.map((m) => m[1]))];
    if (buckets.length !== 1) {
      throw new Error(
        `dataShare.tables: the table locations are in ${buckets.length} buckets (${buckets.join(', ')}); the DATA stack registers one data lake location with Lake Formation, so keep the shared tables in one bucket`,
      );
    }
    const dirs = parsed.map((m) => m[2].split('/').filter((part) => part.length > 0));
    const common: string[] = [];
    for (let i = 0; dirs.every((d) => i < d.length && d[i] === dirs[0][i]); i++) common.push(dirs[0][i]);
    return {
      bucket: s3.Bucket.fromBucketName(this, 'DataLakeBucket', buckets[0]),
      prefix: common.length > 0 ? common.join('/') : undefined,
      encryptionKey: this.platformKey.key,
    };
  }
}

/** The CloudFormation execution role of the CDK bootstrap of an account (the configured qualifier). @internal */
export function cfnExecRoleArn(config: PlatformConfig, account: PlatformAccount): string {
  const { accountId, region } = config.account(account);
  const partition = new PlatformNames(config).partition(account);
  return `arn:${partition}:iam::${accountId}:role/cdk-${config.qualifier}-cfn-exec-role-${accountId}-${region}`;
}

/**
 * EXP: experimentation. The SageMaker Studio domain in the isolated VPC with one user profile per data
 * scientist without an onboarded use case (the others are in their use case's EXP onboarding stack), and the CodeArtifact mirror of PyPI and npm. With `dataShare` configured, the data scientists
 * query DATA's share: a resource link to the shared database, an Athena workgroup with encrypted results,
 * the Glue and Athena interface endpoints, and Lake Formation grants to the Studio execution
 * roles (see `DataShareConsumer`): the shared columns, or, with use cases' `dataAccess`, DESCRIBE on the link.
 */
export class ExpAccountStack extends PlatformAccountStack {
  /** The Studio domain. */
  public readonly studio: StudioDomain;
  /**
   * The user profiles in this stack, by user profile name: those of the data scientists without a use case
   * listed in `useCases` (none once use cases are listed). The profiles of an onboarded use case's data
   * scientists are in its EXP onboarding stack: `UseCaseOnboarding.studioProfiles`, or all of them at once
   * with `MlopsPlatform.studioProfiles`.
   */
  public readonly profiles: { [userProfileName: string]: DataScientistProfile };
  /** The package mirror. */
  public readonly packageMirror: PackageMirror;
  /** The role GitHub Actions of the use-case repositories assume (with `github` configured). */
  public readonly githubDeployRole?: iam.Role;
  /** The Service Catalog portfolio of EXP: the "Model Building" product, launched by the MLOps engineers. */
  public readonly portfolio: MlopsPortfolio;
  /** The retraining bus: drift alarms forwarded by RES, which start the use cases' model-build pipelines. */
  public readonly retrainingBus: ModelEventBus;
  /** What EXP needs to query DATA's share (with `dataShare` configured): resource link, Athena workgroup, grants. */
  public readonly sharedData?: DataShareConsumer;
  /** The Glue and Athena interface endpoints (with `dataShare` configured, unless EXP uses `sharedEndpoints`). */
  public readonly dataEndpoints: ec2.InterfaceVpcEndpoint[] = [];

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the configuration
   */
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id, { config: props.config, account: PlatformAccount.EXP });
    const config = props.config;
    const studio = config.studio;
    const { accountId } = config.account(PlatformAccount.EXP);
    this.packageMirror = new PackageMirror(this, 'PackageMirror', {
      encryptionKey: this.platformKey.key,
      domainName: this.names.codeArtifactDomainName,
      readerAccountIds: [PlatformAccount.EXP, PlatformAccount.RES, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]
        .map((a) => config.account(a).accountId)
        .filter((id_, i, all) => all.indexOf(id_) === i),
      organizationId: config.organizationId,
    });
    this.retrainingBus = createRetrainingBus(this, this.names, config, this.platformKey.key);
    const share = config.dataShare;
    if (share) {
      this.sharedData = new DataShareConsumer(this, 'SharedData', {
        databaseName: share.databaseName,
        sourceAccountId: config.account(PlatformAccount.DATA).accountId,
        workGroupName: dataScientistsWorkGroupName(config),
        encryptionKey: this.platformKey.key,
        lakeFormationAdminArns: [cfnExecRoleArn(config, PlatformAccount.EXP)],
      });
      // shared by the landing zone where the account uses its endpoints
      if (!config.account(PlatformAccount.EXP).network?.sharedEndpoints) this.dataEndpoints = this.addDataEndpoints();
    }
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
      // without a use-case registry: the use cases' artifact buckets and keys, by the naming of the use-case
      // stacks (created later). With one, artifacts belong to their use case: the profiles of a use case read
      // its own (its onboarding stack), and the default role and the users without a use case read none
      readableBucketNamePatterns: config.useCases.length > 0 ? [] : [`${config.prefix}-*-artifacts-${accountId}`],
      readableBucketKeyAliases: config.useCases.length > 0 ? [] : [`alias/${config.prefix}/*/artifacts`],
      sharedDatabases: share ? [{
        databaseName: share.databaseName,
        targetCatalogId: config.account(PlatformAccount.DATA).accountId,
        targetCatalogKeyAlias: this.names.keyAlias(KeyPurpose.PLATFORM),
      }] : undefined,
      athenaWorkGroupName: this.sharedData?.workGroupName,
      athenaResultsBucket: this.sharedData?.queryResults.bucket,
      packageMirror: { domainArn: this.packageMirror.domainArn, repositoryArns: [this.packageMirror.sharedRepositoryArn] },
    });
    // the profiles of the onboarded use cases' data scientists are in the use cases' EXP onboarding stacks
    // (UseCaseOnboarding.studioProfiles), which read the domain and the rest from these parameters
    const onboarded = new Set(config.useCases.map((u) => u.name));
    if (onboarded.size > 0) {
      this.publish(PlatformParameter.STUDIO_DOMAIN_ID, this.studio.domainId);
      if (this.sharedData) this.publish(PlatformParameter.ATHENA_RESULTS_BUCKET, this.sharedData.queryResults.bucket.bucketName);
    }
    this.profiles = {};
    for (const user of (studio.users ?? []).filter((u) => !(u.useCase && onboarded.has(u.useCase)))) {
      const useCase = user.useCase ? new UseCaseNames(config, user.useCase) : undefined;
      this.profiles[user.userProfileName] = new DataScientistProfile(this, `Profile-${user.userProfileName}`, {
        domain: this.studio,
        userProfileName: user.userProfileName,
        identityCenterUserName: user.identityCenterUserName,
        // named, so that DATA grants its use case's data cells filters to it by ARN
        executionRoleName: this.names.studioExecutionRoleName(user.userProfileName),
        useCase: useCase && {
          name: useCase.useCase,
          readableBucketNamePatterns: [useCase.artifactBucketName],
          readableBucketKeyAliases: [useCase.artifactKeyAlias],
          modelPackageGroupNamePrefix: `${config.prefix}-`,
        },
      });
    }
    // With use cases' dataAccess, DATA grants each use case's data cells filters to its roles directly and
    // their EXP onboarding stacks grant DESCRIBE on the link: the domain's default role reads nothing.
    if (share && this.sharedData && !sharesDataPerUseCase(config)) {
      // the data scientists' roles read the shared columns through Lake Formation (the onboarded use cases'
      // profiles get the same grants in their onboarding stacks)
      const roles = [this.studio.defaultExecutionRole, ...Object.values(this.profiles).map((p) => p.role)];
      this.sharedData.grantSelect(roles, share.tables.map((t) => ({ tableName: t.name, columnNames: t.sharedColumns })));
    }
    // "Model Building" creates the model-building workspace of a use case (key, artifact bucket, model
    // package group, pipeline role), which belongs in EXP. A product provisions into the account where it
    // is launched, so EXP holds its own portfolio with that product, launched by the MLOps engineers of EXP,
    // rather than importing a share of the RES portfolio: a share must be accepted and its principals
    // associated in EXP with a portfolio id that only exists once RES is deployed, and the launch role
    // would have to live in EXP all the same.
    this.portfolio = new MlopsPortfolio(this, 'Portfolio', {
      displayName: `${config.prefix} MLOps model building`,
      description: 'Model Building product of the MLOps platform: one model-building workspace per use case in EXP',
      products: [MlopsProduct.MODEL_BUILDING],
      principalRoles: [this.personas!.role(Persona.MLOPS_ENGINEER)],
      productRolesBoundary: this.guardrails.permissionsBoundary,
      launchRoleName: this.names.catalogLaunchRoleName,
    });
    // like in RES: the launch role creates the product's roles (each with the boundary), so the workload
    // boundary, which forbids writing policies, cannot apply to it: it carries its own boundary
    // (<prefix>-catalog-launch-boundary), which the EXP execution policy requires of this role name
    if (config.github) {
      const provider = this.createGithubProvider(config);
      if (config.useCases.length === 0) {
        this.githubDeployRole = this.createGithubDeployRole(config, provider);
        Annotations.of(this.githubDeployRole).addWarningV2('@vw/mlops-blueprint:legacyGithubDeployRole',
          `${this.names.githubDeployRoleName} trusts every listed repository of ${config.github.organization} and reaches every use case's code, key and pipeline. `
          + 'List the use cases in "useCases" (name, team, repository): each then gets its own <prefix>-<use case>-github role, scoped to its repository and its resources, and this role goes away.');
      }
    }
  }

  /** The GitHub OIDC provider of EXP (imported when `github.oidcProviderArn` is set). */
  private createGithubProvider(config: PlatformConfig): iam.IOidcProvider {
    const github = config.github!;
    // IAM holds one provider per URL in an account: import the one that exists, if configured
    return github.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GithubOidc', github.oidcProviderArn)
      : new iam.OidcProviderNative(this, 'GithubOidc', {
        url: 'https://token.actions.githubusercontent.com',
        clientIds: ['sts.amazonaws.com'],
      });
  }

  /**
   * The interface endpoints that querying the share from Studio and the model-build jobs needs in the
   * isolated VPC: Glue (table metadata, read by notebooks) and Athena (queries), behind the network's
   * endpoint security group (HTTPS from the VPC CIDR). Only with `dataShare`: no flow uses them otherwise.
   * No Lake Formation endpoint: Athena calls `GetDataAccess` on the service side, with the caller's
   * permission, and nothing in the VPC calls Lake Formation.
   */
  private addDataEndpoints(): ec2.InterfaceVpcEndpoint[] {
    const network = this.network!;
    const services: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
      ['GlueEndpoint', ec2.InterfaceVpcEndpointAwsService.GLUE],
      ['AthenaEndpoint', ec2.InterfaceVpcEndpointAwsService.ATHENA],
    ];
    return services.map(([id_, service]) => new ec2.InterfaceVpcEndpoint(this, id_, {
      vpc: network.vpc,
      service,
      privateDnsEnabled: true,
      subnets: network.subnetSelection,
      securityGroups: [network.endpointSecurityGroup],
      open: false,
    }));
  }

  /**
   * The GitHub OIDC provider and the deploy role of the use-case repositories: the `main` branch of the
   * configured repositories may deploy the use cases' training stacks (through the CDK bootstrap roles of
   * the configured qualifier), upload their ML code and start their model-build pipelines. Nothing else.
   */
  private createGithubDeployRole(config: PlatformConfig, provider: iam.IOidcProvider): iam.Role {
    const github = config.github!;
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
 * model event bus that receives model-approval events from EXP, and the Service Catalog portfolio with the
 * "Model Deployment" product ("Model Building" is in EXP's portfolio, where its resources belong).
 */
export class ResAccountStack extends PlatformAccountStack {
  /** The central image registry. */
  public readonly registry: ImageRegistry;
  /** The bucket the image sources are uploaded to (`<repository>/source.zip`). */
  public readonly imageSources: SecureBucket;
  /** The ECR pull-through cache of the image builds' base images (ECR Public). */
  public readonly baseImageCache: BaseImageCache;
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
    this.baseImageCache = new BaseImageCache(this, 'BaseImageCache', config.prefix);
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
        packageMirror: platformPackageMirror(this.names),
        // the base image through the ECR pull-through cache (the VPC has no internet route)
        baseImageRepositories: [this.baseImageCache.baseImageRepository],
        baseImageUri: this.baseImageCache.baseImageUri,
        permissionsBoundary: this.guardrails.permissionsBoundary,
        pipelineName: `${config.prefix}-image-${repository.replace(/[^A-Za-z0-9-]/g, '-')}`,
      });
      this.baseImageCache.grantPullThrough(this.imageBuilds[repository].buildProject);
    }

    this.eventBus = new ModelEventBus(this, 'ModelEvents', {
      eventBusName: this.names.eventBusName,
      sourceAccountIds: [config.account(PlatformAccount.EXP).accountId],
      organizationId: config.organizationId,
      encryptionKey: this.platformKey.key,
    });
    admitDriftEvents(this.eventBus, config);

    // Model Building lives in EXP's portfolio (see ExpAccountStack); RES keeps Model Deployment
    this.portfolio = new MlopsPortfolio(this, 'Portfolio', {
      displayName: `${config.prefix} MLOps`,
      products: [MlopsProduct.MODEL_DEPLOYMENT],
      principalRoleArns: config.catalogPrincipalArns.length > 0 ? config.catalogPrincipalArns : undefined,
      productRolesBoundary: this.guardrails.permissionsBoundary,
      launchRoleName: this.names.catalogLaunchRoleName,
    });
    // The launch role creates the products' roles (each with the boundary): the workload boundary, which
    // forbids creating roles and writing policies, cannot apply to it. It carries its own boundary
    // (<prefix>-catalog-launch-boundary), which the bootstrap execution policy requires of this role name.
  }
}

/**
 * DEV, INT or PROD: the deployment targets. The isolated network, the ML key for endpoint volumes and
 * data capture, and the persona roles of the stage (DEV troubleshooting, INT and PROD read-only).
 *
 * Also the account-wide API Gateway setting that the use cases' inference APIs need for execution
 * and access logging: the CloudWatch Logs role of API Gateway (`AWS::ApiGateway::Account`). It exists
 * once per account and region, so the platform stack owns it; a use-case stack never sets it (100 use
 * cases would overwrite each other's setting, and deleting one would break the others). Where a landing
 * zone already sets it, turn it off with `manageApiGatewayAccount: false`.
 */
export class StageAccountStack extends PlatformAccountStack {
  /**
   * The role API Gateway of this account and region writes execution and access logs with (unless
   * `manageApiGatewayAccount` is false).
   */
  public readonly apiGatewayCloudWatchRole?: iam.Role;
  /** The account-wide API Gateway setting that names that role (unless `manageApiGatewayAccount` is false). */
  public readonly apiGatewayAccount?: apigw.CfnAccount;

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
    if (props.manageApiGatewayAccount === false) return;
    const { accountId, region } = props.config.account(account);
    const partition = this.names.partition(account);
    // the boundary is applied to every role of the stack (PlatformAccountStack)
    const role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      roleName: this.names.apiGatewayCloudWatchRoleName,
      description: `API Gateway of ${account.toUpperCase()} (${region}) writes the execution and access logs of every REST API with this role`,
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    });
    const logGroups = `arn:${partition}:logs:${region}:${accountId}:log-group:*`;
    const policy = new iam.ManagedPolicy(this, 'ApiGatewayCloudWatchPolicy', {
      description: 'API Gateway execution and access logging in this account and region (the actions of AmazonAPIGatewayPushToCloudWatchLogs)',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteApiLogsOfThisAccount',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
          resources: [logGroups, `${logGroups}:log-stream:*`],
        }),
        new iam.PolicyStatement({ sid: 'FindTheLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] }),
      ],
    });
    const reason =
      'The account-wide API Gateway logging role: execution log groups are named by API Gateway after each API id (API-Gateway-Execution-Logs_<api id>/<stage>) and access log groups belong to the use cases; limited to this account and region.';
    acknowledgeRules(policy, {
      [`AwsSolutions-IAM5[Resource::${logGroups}]`]: reason,
      [`AwsSolutions-IAM5[Resource::${logGroups}:log-stream:*]`]: reason,
      'AwsSolutions-IAM5[Resource::*]': 'logs:DescribeLogGroups supports no resource-level permissions; it is the only action of this policy on "*" and lists log group names only.',
    });
    const setting = new apigw.CfnAccount(this, 'ApiGatewayAccount', { cloudWatchRoleArn: role.roleArn });
    // API Gateway checks the role's permissions when the setting is written
    setting.node.addDependency(policy);
    this.apiGatewayCloudWatchRole = role;
    this.apiGatewayAccount = setting;
  }
}
