import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataScientistProfile, StudioAuthMode, StudioDomain, StudioSharedDatabase } from '../../constructs/studio';
import { sharesDataPerUseCase } from '../config/data-access';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { KeyPurpose } from '../naming';
import { PlatformParameter, zonesOf } from '../platform/platform-account-stack';
import { platformPackageMirror } from '../platform/platform-mirror';
import { UseCaseStack } from '../usecase/usecase-stack';

/** The Athena workgroup of the data scientists in EXP (with `dataShare`). @internal */
export function dataScientistsWorkGroupName(config: PlatformConfig): string {
  return `${config.prefix}-data-scientists`;
}

/**
 * The Studio user profiles of one use case (`studio.users[]` whose `useCase` is this one), in the use
 * case's EXP onboarding stack: the Studio domain, VPC, ML key and (with `dataShare`) the Athena results
 * bucket of the EXP platform stack are read from its SSM parameters, so the platform stack never has
 * importers. Each execution role has the fixed name `<prefix>-studio_<user>` (`PlatformNames.studioExecutionRoleName`);
 * with `dataShare` it gets its Lake Formation grants here: DESCRIBE on the resource link when the use cases
 * declare `dataAccess` (DATA grants the use case's data cells filters to the role), else the shared columns
 * (the resource link and the workgroup are the platform stack's, which deploys first).
 * @returns the profiles, by user profile name (empty when the use case has no Studio user)
 * @internal
 */
export function createUseCaseStudioProfiles(
  config: PlatformConfig,
  useCaseName: string,
  stackOf: () => UseCaseStack,
): Record<string, DataScientistProfile> {
  const users = (config.studio.users ?? []).filter((u) => u.useCase === useCaseName);
  const profiles: Record<string, DataScientistProfile> = {};
  if (users.length === 0) return profiles;
  const stack = stackOf();
  const names = stack.names;
  const share = config.dataShare;
  const mirror = platformPackageMirror(names.platform);
  // the profiles' security groups and execution policies name the VPC by its id only: importing it without
  // subnets keeps the platform's subnet-ids parameter out of this stack (an unused template parameter)
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'StudioVpc', {
    vpcId: stack._vpcId(),
    vpcCidrBlock: config.account(PlatformAccount.EXP).network?.cidr,
    availabilityZones: zonesOf(config, PlatformAccount.EXP),
  });
  const domain = StudioDomain.fromDomainAttributes(stack, 'Studio', {
    domainId: stack.parameter(PlatformParameter.STUDIO_DOMAIN_ID),
    vpc,
    encryptionKey: stack.mlKey,
    permissionsBoundary: stack.permissionsBoundary,
    guardrailPolicy: stack.guardrailPolicy,
    authMode: config.studio.authMode === 'SSO' ? StudioAuthMode.IAM_IDENTITY_CENTER : StudioAuthMode.IAM,
    ...(share ? sharedDataReach(stack, config) : {}),
    packageMirror: { domainArn: mirror.domainArn, repositoryArns: [mirror.repositoryArn] },
  });
  for (const user of users) {
    profiles[user.userProfileName] = new DataScientistProfile(stack, `Profile-${user.userProfileName}`, {
      domain,
      userProfileName: user.userProfileName,
      identityCenterUserName: user.identityCenterUserName,
      // named (outside the use case's <prefix>-<use case>-* that its own deploy roles manage), so that DATA
      // grants the use case's data cells filters to it by ARN
      executionRoleName: names.platform.studioExecutionRoleName(user.userProfileName),
      useCase: {
        name: useCaseName,
        readableBucketNamePatterns: [names.artifactBucketName],
        readableBucketKeyAliases: [names.artifactKeyAlias],
        modelPackageGroupNamePrefix: `${config.prefix}-`,
      },
    });
  }
  if (share) {
    // through the resource link of the EXP platform stack (same name as the database): with use cases'
    // dataAccess, DESCRIBE on the link only (DATA grants this use case's data cells filters to these roles,
    // none when it declares no dataAccess); else the shared columns
    const perUseCase = sharesDataPerUseCase(config);
    const reads = (config.useCase(useCaseName)?.dataAccess ?? []).length > 0;
    for (const [user, profile] of Object.entries(profiles)) {
      if (!perUseCase) grantSharedColumns(stack, config, user, profile.role);
      else if (reads) grantDescribeLink(stack, config, user, profile.role.roleArn);
    }
  }
  return profiles;
}

/** How a role of a use-case stack in EXP reaches the data shared from DATA (that part of its `StudioDataAccess`). */
interface SharedDataReach {
  readonly sharedDatabases: StudioSharedDatabase[];
  readonly athenaWorkGroupName: string;
  readonly athenaResultsBucket: s3.IBucket;
}

/**
 * How a role of a use-case stack in EXP (a Studio profile's, the model-build pipeline's) reaches the data
 * shared from DATA (`dataShare`): the resource link and its target in DATA with DATA's catalog key, the data
 * scientists' Athena workgroup and its results bucket, read from the EXP platform stack's SSM parameters.
 * @internal
 */
export function sharedDataReach(stack: UseCaseStack, config: PlatformConfig): SharedDataReach {
  const share = config.dataShare;
  if (!share) throw new Error(`${stack.stackName}: the configuration has no dataShare, so there is no shared data to reach`);
  return {
    sharedDatabases: [{
      databaseName: share.databaseName,
      targetCatalogId: config.account(PlatformAccount.DATA).accountId,
      targetCatalogKeyAlias: stack.names.platform.keyAlias(KeyPurpose.PLATFORM),
    }],
    athenaWorkGroupName: dataScientistsWorkGroupName(config),
    athenaResultsBucket: s3.Bucket.fromBucketAttributes(stack, 'AthenaResults', {
      bucketName: stack.parameter(PlatformParameter.ATHENA_RESULTS_BUCKET),
      encryptionKey: kms.Key.fromKeyArn(stack, 'PlatformKey', stack.parameter(PlatformParameter.PLATFORM_KEY_ARN)),
    }),
  };
}

/**
 * What `DataShareConsumer.grantDescribeLink` grants, for a role of another stack than the consumer's (or of
 * none yet: by ARN).
 * @param who the grant's construct id suffix (the user profile, or `pipeline`)
 * @internal
 */
export function grantDescribeLink(stack: UseCaseStack, config: PlatformConfig, who: string, roleArn: string): void {
  new lakeformation.CfnPrincipalPermissions(stack, `DescribeSharedData-${who}`, {
    catalog: stack.account,
    principal: { dataLakePrincipalIdentifier: roleArn },
    resource: { database: { catalogId: stack.account, name: config.dataShare!.databaseName } },
    permissions: ['DESCRIBE'],
    permissionsWithGrantOption: [],
  });
}

/** What `DataShareConsumer.grantSelect` grants (DESCRIBE on the link, the shared columns), for a role of another stack. */
function grantSharedColumns(stack: UseCaseStack, config: PlatformConfig, user: string, role: iam.IRole): void {
  grantDescribeLink(stack, config, user, role.roleArn);
  const share = config.dataShare!;
  const source = config.account(PlatformAccount.DATA).accountId;
  for (const t of share.tables) {
    new lakeformation.CfnPrincipalPermissions(stack, `SelectSharedData-${user}-${t.name}`, {
      catalog: stack.account,
      principal: { dataLakePrincipalIdentifier: role.roleArn },
      resource: { tableWithColumns: { catalogId: source, databaseName: share.databaseName, name: t.name, columnNames: t.sharedColumns } },
      permissions: ['SELECT'],
      permissionsWithGrantOption: [],
    });
  }
}
