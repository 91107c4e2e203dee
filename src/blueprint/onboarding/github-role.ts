import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeRules } from '../../constructs/core/acknowledge';
import { PlatformAccount } from '../config/platform-config';
import { UseCaseConfig } from '../config/usecase-config';
import { UseCaseNames } from '../usecase/usecase-names';

/**
 * Props of `UseCaseGithubRole`.
 */
export interface UseCaseGithubRoleProps {
  /** The use case's names. */
  readonly names: UseCaseNames;
  /** The use case's entry of `useCases`. */
  readonly useCase: UseCaseConfig;
}

/**
 * The role GitHub Actions of ONE use case's repository assume in EXP, `<prefix>-<use case>-github`.
 *
 * The trust admits exactly one OIDC subject, `repo:<repository>:ref:refs/heads/<deployBranch>`
 * (StringEquals, plus the audience). The role may only: upload to its own artifact bucket's `code/`,
 * use its own artifact key (matched by its alias), start and follow its own model-build pipeline, chain
 * to its own deployment source writer in RES and to the use case's EXP deploy and asset-publishing roles
 * (referenced by ARN: another construct creates them). No `<prefix>-<use case>-*` wildcard is used, so a
 * use case named `weld-gun` can never reach the resources of `weld-gun-pm`.
 */
export class UseCaseGithubRole extends Construct {
  /**
   * The exact `sub` of the GitHub OIDC token the role trusts.
   * @param useCase the use case
   */
  public static subject(useCase: UseCaseConfig): string {
    return `repo:${useCase.repository}:ref:refs/heads/${useCase.deployBranch ?? 'main'}`;
  }

  /** The role. */
  public readonly role: iam.Role;

  /**
   * @param scope the use case's EXP onboarding stack
   * @param id the construct id
   * @param props the use case
   */
  constructor(scope: Construct, id: string, props: UseCaseGithubRoleProps) {
    super(scope, id);
    const names = props.names;
    const config = names.platform.config;
    const github = config.github;
    const { accountId, region } = config.account(PlatformAccount.EXP);
    const partition = names.platform.partition(PlatformAccount.EXP);
    const providerArn = github?.oidcProviderArn
      ?? `arn:${partition}:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com`;
    const branch = props.useCase.deployBranch ?? 'main';
    this.role = new iam.Role(this, 'Role', {
      roleName: names.githubRoleName,
      description: `GitHub Actions of ${props.useCase.repository} (branch ${branch}): deploy the training stack of ${names.useCase}, upload its code, start its pipeline`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': UseCaseGithubRole.subject(props.useCase),
        },
      }),
    });
    const bucketArn = `arn:${partition}:s3:::${names.artifactBucketName}`;
    const pipelineArn = `arn:${partition}:sagemaker:${region}:${accountId}:pipeline/${names.pipelineName}`;
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Deploy the training stack of ${names.useCase}, upload its ML code, start its model-build pipeline`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'AssumeTheUseCaseDeployRoles',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [
            names.roleArn(PlatformAccount.EXP, names.stageDeployRoleName(PlatformAccount.EXP)),
            names.roleArn(PlatformAccount.EXP, names.assetPublishingRoleName(PlatformAccount.EXP)),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'AssumeTheDeploymentSourceWriter',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [names.roleArn(PlatformAccount.RES, names.deploymentSourceWriterRoleName)],
        }),
        new iam.PolicyStatement({
          sid: 'ListTheCode',
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': ['code/*'] } },
        }),
        new iam.PolicyStatement({
          sid: 'UploadTheCode',
          actions: ['s3:PutObject', 's3:GetObject'],
          resources: [`${bucketArn}/code/*`],
        }),
        new iam.PolicyStatement({
          sid: 'EncryptTheCode',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [`arn:${partition}:kms:${region}:${accountId}:key/*`],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': names.artifactKeyAlias },
            'StringEquals': { 'kms:ViaService': `s3.${region}.amazonaws.com` },
          },
        }),
        new iam.PolicyStatement({
          sid: 'StartTheModelBuildPipeline',
          actions: ['sagemaker:StartPipelineExecution', 'sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
          resources: [pipelineArn, `${pipelineArn}/execution/*`],
        }),
      ],
    });
    acknowledgeRules(policy, {
      [`AwsSolutions-IAM5[Resource::${bucketArn}/code/*]`]:
        'Only the code/ prefix of the use case\'s own artifact bucket: the ML code its model-build pipeline runs.',
      [`AwsSolutions-IAM5[Resource::arn:${partition}:kms:${region}:${accountId}:key/*]`]:
        'The key id is not known in advance; kms:ResourceAliases pins the statement to the use case\'s own artifact key alias, kms:ViaService to S3.',
      [`AwsSolutions-IAM5[Resource::${pipelineArn}/execution/*]`]:
        'The executions of the use case\'s own pipeline, to follow the run the workflow started.',
    });
  }
}
