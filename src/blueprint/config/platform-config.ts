import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { LandingZoneConfig } from './landing-zone-config';
import { NetworkConfig } from './network-config';
import { Problems } from './problems';
import { UseCaseConfig } from './usecase-config';
import { PLATFORM_ACCOUNT_NAMES, validatePlatformConfig } from './validation';
import { PersonaPermissionSets } from '../../constructs/security/persona-trust';

/**
 * The six accounts of the platform.
 */
export enum PlatformAccount {
  /** the governed data lake (Glue Data Catalog, Lake Formation) */
  DATA = 'data',
  /** experimentation: SageMaker Studio, model-build pipelines, model registry */
  EXP = 'exp',
  /** resources and CI/CD: ECR, the model event bus, model-deployment pipelines, Service Catalog */
  RES = 'res',
  /** the first deployment target */
  DEV = 'dev',
  /** staging */
  INT = 'int',
  /** production */
  PROD = 'prod',
}

/**
 * One AWS account of the platform.
 */
export interface AccountConfig {
  /** The 12-digit AWS account id. */
  readonly accountId: string;

  /** The AWS region the account's stacks are deployed to, for example `eu-central-1`. */
  readonly region: string;

  /**
   * The account's network. Required for EXP, DEV, INT and PROD (jobs, Studio and endpoints run in a
   * VPC); optional for RES and DATA.
   * @default - no VPC in this account (allowed for RES and DATA only)
   */
  readonly network?: NetworkConfig;
}

/**
 * The six accounts of the platform.
 */
export interface PlatformAccountsConfig {
  /** DATA: the governed data lake. */
  readonly data: AccountConfig;
  /** EXP: experimentation, model building and the model registry. */
  readonly exp: AccountConfig;
  /** RES: CI/CD, images, events and the Service Catalog portfolio. */
  readonly res: AccountConfig;
  /** DEV: the first deployment target. */
  readonly dev: AccountConfig;
  /** INT: staging. */
  readonly int: AccountConfig;
  /** PROD: production. */
  readonly prod: AccountConfig;
}

/**
 * How people reach their persona roles (data scientist, lead data scientist, MLOps engineer, auditor).
 * Exactly one of the three is set.
 */
export interface PeopleConfig {
  /**
   * The account where IAM Identity Center provisions the permission sets people sign in with.
   * @default - not used
   */
  readonly identityCenterAccountId?: string;

  /**
   * The SAML provider name (created in every account by the identity team) for SAML federation.
   * @default - not used
   */
  readonly samlProviderName?: string;

  /**
   * Accounts whose IAM principals may assume the persona roles with MFA.
   * @default - not used
   */
  readonly mfaAccountIds?: string[];

  /**
   * With `identityCenterAccountId`: the permission set of each persona. Each persona role trusts only the
   * roles Identity Center provisions for its own permission set, and accepts only the session tags
   * `mlops:use-case` and `studio-user`, each equal to the signed-in session's own (the permission set's
   * attributes for access control).
   * @default - MlopsDataScientist, MlopsLeadDataScientist, MlopsEngineer and MlopsAuditor
   */
  readonly permissionSets?: PersonaPermissionSets;
}

/**
 * One data scientist with a SageMaker Studio user profile in EXP.
 */
export interface StudioUserConfig {
  /** The user profile name (letters, digits and hyphens, at most 63 characters). */
  readonly userProfileName: string;

  /**
   * The IAM Identity Center user name; required when `studio.authMode` is `SSO`.
   * @default - none (IAM authentication)
   */
  readonly identityCenterUserName?: string;

  /**
   * The use case the data scientist works on (a name of `useCases`; required when `useCases` lists any).
   * The profile, its execution role and its security group carry it (`mlops:use-case`); the role reads
   * that use case's artifacts only and acts on its SageMaker resources and model versions only.
   * @default - none (only without `useCases`): the profile reads every use case's artifacts
   */
  readonly useCase?: string;
}

/**
 * The SageMaker Studio domain in EXP.
 */
export interface StudioConfig {
  /**
   * `IAM` or `SSO` (IAM Identity Center).
   * @default 'IAM'
   */
  readonly authMode?: string;

  /**
   * Idle apps shut down after this many minutes (60 to 525600).
   * @default 60
   */
  readonly idleTimeoutMinutes?: number;

  /**
   * The data scientists.
   * @default - no user profiles
   */
  readonly users?: StudioUserConfig[];
}

/**
 * A column of a shared table.
 */
export interface DataColumnConfig {
  /** The column name (lowercase letters, digits, underscores). */
  readonly name: string;
  /** The Glue/Hive type, e.g. `string`, `double`, `bigint`, `timestamp`, `decimal(10,2)`. */
  readonly type: string;
}

/**
 * A table of the governed data lake in DATA, shared with EXP column by column.
 */
export interface DataTableConfig {
  /** The table name (lowercase letters, digits, underscores). */
  readonly name: string;
  /** The S3 location of the table's data, `s3://bucket/prefix/`. */
  readonly location: string;
  /** The columns. */
  readonly columns: DataColumnConfig[];
  /**
   * The columns EXP may read (a subset of `columns`): granted to the EXP account (with the grant option)
   * when no use case declares `dataAccess`; otherwise the columns the use cases' `dataAccess` may name, each
   * use case reading its own through its data cells filter.
   */
  readonly sharedColumns: string[];
}

/**
 * The data shared from DATA to EXP through Lake Formation.
 */
export interface DataShareConfig {
  /** The Glue database name (lowercase letters, digits, underscores). */
  readonly databaseName: string;
  /** The tables. */
  readonly tables: DataTableConfig[];
  /**
   * IAM role or user ARNs of the DATA account to keep as Lake Formation data lake administrators besides
   * the CDK CloudFormation execution role, which the DATA stack makes an administrator (it creates the
   * cross-account grants). The stack appends its administrators (`MutationType: APPEND`), but a later
   * `PutDataLakeSettings` by anyone replaces the whole list: list here every administrator the account
   * must keep, e.g. the data platform team's role.
   * @default - only the execution role is added
   */
  readonly lakeFormationAdminArns?: string[];
}

/**
 * GitHub Actions of the use-case repositories: the OIDC provider and the deploy role in EXP.
 */
export interface GithubConfig {
  /** The GitHub organization (or user) that owns the use-case repositories. */
  readonly organization: string;

  /**
   * The repositories (name patterns, `*` allowed) whose `main` branch may assume the deploy role.
   * @default ['*'] - every repository of the organization
   */
  readonly repositories?: string[];

  /**
   * The ARN of the GitHub OIDC provider (`arn:aws:iam::<EXP account>:oidc-provider/token.actions.githubusercontent.com`)
   * that already exists in EXP. IAM allows one provider per URL in an account, so where one exists
   * (for example created by a landing zone or another team), the platform imports it instead of
   * creating it.
   * @default - the EXP platform stack creates the provider
   */
  readonly oidcProviderArn?: string;
}

/**
 * The whole platform configuration, as written in `platform.json` (or YAML).
 */
export interface PlatformConfigProps {
  /**
   * The name prefix of every resource: 2 to 12 characters, lowercase letters, digits and single
   * hyphens, starting with a letter. It is kept short because it feeds S3 bucket names and
   * SageMaker resource names (63 characters at most) together with use-case names.
   */
  readonly prefix: string;

  /**
   * The CDK bootstrap qualifier of all six accounts (1 to 10 lowercase letters and digits).
   * @default - the prefix without hyphens, cut to 10 characters
   */
  readonly qualifier?: string;

  /**
   * The AWS Organizations id (`o-` and 10 to 32 lowercase letters or digits). When set, resource
   * policies are additionally scoped with `aws:PrincipalOrgID`.
   * @default - no organization conditions
   */
  readonly organizationId?: string;

  /**
   * Allow DEV, INT and PROD to share an account with each other or with EXP or RES. Sharing weakens
   * the isolation between stages; this exists for sandboxes only.
   * @default false
   */
  readonly allowSharedAccounts?: boolean;

  /** The six accounts. */
  readonly accounts: PlatformAccountsConfig;

  /**
   * Tags applied to every stack of the platform and of every use case.
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * The SageMaker instance types people and pipelines may use (wildcards allowed, e.g. `ml.m5.*`).
   * @default - the guardrails' default allow-list (SageMakerGuardrails.DEFAULT_ALLOWED_INSTANCE_TYPES)
   */
  readonly allowedInstanceTypes?: string[];

  /**
   * How people sign in to their persona roles.
   * @default - persona roles trust MFA-authenticated principals of the EXP account only
   */
  readonly people?: PeopleConfig;

  /**
   * The SageMaker Studio domain in EXP.
   * @default - IAM authentication, 60 minutes idle timeout, no user profiles
   */
  readonly studio?: StudioConfig;

  /**
   * The data shared from DATA to EXP.
   * @default - no data share (the DATA account gets its key and compliance baseline only)
   */
  readonly dataShare?: DataShareConfig;

  /**
   * The ECR repositories of the central registry in RES (short names, e.g. `sklearn-inference`).
   * @default ['ml-processing', 'ml-training', 'ml-inference']
   */
  readonly imageRepositories?: string[];

  /**
   * IAM principals (role ARNs) that may launch the Service Catalog products of the RES portfolio.
   * @default - none (the portfolio exists; principals are associated later)
   */
  readonly catalogPrincipalArns?: string[];

  /**
   * GitHub Actions of the use-case repositories: EXP gets the GitHub OIDC provider and the role
   * `<prefix>-github-deploy` that the `main` branch of those repositories assumes to deploy the training
   * stack and start the model-build pipeline.
   * @default - no GitHub OIDC provider or deploy role
   */
  readonly github?: GithubConfig;

  /**
   * What the landing zone provides already (AWS Config recorder and its service-linked role,
   * Security Hub): the platform stacks create only what is missing.
   * @default - the platform stacks create the Config recorder, its service-linked role and Security Hub
   */
  readonly landingZone?: LandingZoneConfig;

  /**
   * The use cases of the platform (its tenant registry). Each is onboarded with a small stack of its own
   * in every account it touches (scoped deploy roles, GitHub role, approver role, data key, data filters),
   * and `MlopsUseCase` accepts only a listed use case.
   * @default - no use case is onboarded (then `MlopsUseCase` warns that it deploys with the account-wide
   *   CDK bootstrap roles)
   */
  readonly useCases?: UseCaseConfig[];
}

/**
 * A validated platform configuration.
 *
 * Construct it with `PlatformConfig.fromFile(path)` (JSON or YAML) or `PlatformConfig.fromObject(props)`.
 * Invalid input throws one `Error` whose message lists every problem, one per line, as
 * `<field path>: <what is wrong and what to write instead>`.
 *
 * @example
 * const config = PlatformConfig.fromFile('platform.json');
 * const prodRegion = config.account(PlatformAccount.PROD).region;
 */
export class PlatformConfig {
  /**
   * Reads and validates a configuration file. `.yaml`/`.yml` files are read as YAML, everything else as JSON.
   * @param file the path of the configuration file
   */
  public static fromFile(file: string): PlatformConfig {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf-8');
    } catch (e) {
      throw new Error(`${file}: cannot read the platform configuration (${(e as Error).message})`);
    }
    const yaml = /\.ya?ml$/i.test(file);
    let data: unknown;
    try {
      data = yaml ? YAML.parse(text, { uniqueKeys: true }) : JSON.parse(text);
    } catch (e) {
      throw new Error(`${file}: not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
    }
    return PlatformConfig.fromUnknown(data, path.basename(file));
  }

  /**
   * Validates a configuration given as an object.
   * @param props the configuration
   */
  public static fromObject(props: PlatformConfigProps): PlatformConfig {
    return PlatformConfig.fromUnknown(props, 'platform configuration');
  }

  /**
   * Returns every problem of a configuration (empty when it is valid), one string per problem,
   * formatted `<field path>: <message>`. Never throws.
   * @param input the configuration as parsed from JSON or YAML
   */
  public static validate(input: any): string[] {
    const problems = new Problems();
    validatePlatformConfig(input, problems);
    return problems.list;
  }

  /**
   * The built-in sample configuration: six distinct placeholder accounts in eu-central-1, prefix
   * `vwml`, qualifier `vwml`. It validates, and is what the project types write as `platform.json`.
   */
  public static sample(): PlatformConfig {
    return PlatformConfig.fromObject(samplePlatformConfigProps());
  }

  private static fromUnknown(input: unknown, what: string): PlatformConfig {
    const problems = new Problems();
    validatePlatformConfig(input, problems);
    problems.throwIfAny(what);
    return new PlatformConfig(input as PlatformConfigProps);
  }

  /** The name prefix of every resource. */
  public readonly prefix: string;
  /** The CDK bootstrap qualifier of every account. */
  public readonly qualifier: string;
  /** The AWS Organizations id, if configured. */
  public readonly organizationId?: string;
  /** Whether DEV, INT and PROD may share accounts. */
  public readonly allowSharedAccounts: boolean;
  /** The six accounts. */
  public readonly accounts: PlatformAccountsConfig;
  /** Tags for every stack. */
  public readonly tags: { [key: string]: string };
  /** The allowed SageMaker instance types, if configured (else the guardrails' defaults apply). */
  public readonly allowedInstanceTypes?: string[];
  /** How people sign in to their persona roles, if configured. */
  public readonly people?: PeopleConfig;
  /** The Studio domain settings. */
  public readonly studio: StudioConfig;
  /** The data shared from DATA to EXP, if any. */
  public readonly dataShare?: DataShareConfig;
  /** The ECR repositories of the central registry in RES. */
  public readonly imageRepositories: string[];
  /** The principals that may launch the Service Catalog products. */
  public readonly catalogPrincipalArns: string[];
  /** GitHub Actions of the use-case repositories, if configured. */
  public readonly github?: GithubConfig;
  /** What the landing zone provides already (empty: the platform creates everything). */
  public readonly landingZone: LandingZoneConfig;
  /** The onboarded use cases (empty when none is configured). */
  public readonly useCases: UseCaseConfig[];

  private constructor(props: PlatformConfigProps) {
    const copy = JSON.parse(JSON.stringify(props)) as PlatformConfigProps;
    this.prefix = copy.prefix;
    this.qualifier = copy.qualifier ?? defaultQualifier(copy.prefix);
    this.organizationId = copy.organizationId;
    this.allowSharedAccounts = copy.allowSharedAccounts ?? false;
    this.accounts = copy.accounts;
    this.tags = copy.tags ?? {};
    this.allowedInstanceTypes = copy.allowedInstanceTypes;
    this.people = copy.people;
    this.studio = copy.studio ?? {};
    this.dataShare = copy.dataShare;
    this.imageRepositories = copy.imageRepositories ?? [...DEFAULT_IMAGE_REPOSITORIES];
    this.catalogPrincipalArns = copy.catalogPrincipalArns ?? [];
    this.github = copy.github;
    this.landingZone = copy.landingZone ?? {};
    this.useCases = copy.useCases ?? [];
  }

  /**
   * The registry entry of a use case, or undefined when it is not listed in `useCases`.
   * @param name the use-case name
   */
  public useCase(name: string): UseCaseConfig | undefined {
    return this.useCases.find((u) => u.name === name);
  }

  /**
   * The settings of one account.
   * @param account which account
   */
  public account(account: PlatformAccount): AccountConfig {
    return this.accounts[account];
  }

  /** The configuration as a plain JSON object, defaults filled in. */
  public toJson(): any {
    const out: Record<string, unknown> = {
      prefix: this.prefix,
      qualifier: this.qualifier,
    };
    if (this.organizationId) out.organizationId = this.organizationId;
    if (this.allowSharedAccounts) out.allowSharedAccounts = true;
    out.accounts = Object.fromEntries(PLATFORM_ACCOUNT_NAMES.map((n) => [n, this.accounts[n]]));
    if (Object.keys(this.tags).length > 0) out.tags = this.tags;
    if (this.allowedInstanceTypes) out.allowedInstanceTypes = this.allowedInstanceTypes;
    if (this.people) out.people = this.people;
    if (Object.keys(this.studio).length > 0) out.studio = this.studio;
    if (this.dataShare) out.dataShare = this.dataShare;
    out.imageRepositories = this.imageRepositories;
    if (this.catalogPrincipalArns.length > 0) out.catalogPrincipalArns = this.catalogPrincipalArns;
    if (this.github) out.github = this.github;
    if (Object.keys(this.landingZone).length > 0) out.landingZone = this.landingZone;
    if (this.useCases.length > 0) out.useCases = this.useCases;
    return JSON.parse(JSON.stringify(out));
  }
}

/** The central ECR repositories when none are configured. @internal */
export const DEFAULT_IMAGE_REPOSITORIES: readonly string[] = ['ml-processing', 'ml-training', 'ml-inference'];

/** The qualifier used when none is configured. @internal */
export function defaultQualifier(prefix: string): string {
  return prefix.replace(/-/g, '').slice(0, 10);
}

/**
 * The props of the built-in sample configuration (see `PlatformConfig.sample()`).
 * @internal
 */
export function samplePlatformConfigProps(): PlatformConfigProps {
  const region = 'eu-central-1';
  return {
    prefix: 'vwml',
    qualifier: 'vwml',
    accounts: {
      data: { accountId: '111111111111', region },
      exp: { accountId: '222222222222', region, network: { cidr: '10.10.0.0/16' } },
      res: { accountId: '333333333333', region, network: { cidr: '10.20.0.0/16' } },
      dev: { accountId: '444444444444', region, network: { cidr: '10.30.0.0/16' } },
      int: { accountId: '555555555555', region, network: { cidr: '10.40.0.0/16' } },
      prod: { accountId: '666666666666', region, network: { cidr: '10.50.0.0/16', maxAzs: 3 } },
    },
    tags: { 'cost-center': 'mlops-platform', 'managed-by': 'mlops-blueprint' },
    people: { identityCenterAccountId: '999999999999' },
    github: { organization: 'vw-mlops' },
    useCases: [
      {
        name: 'weld-gun-pm',
        team: 'mlops-weld-gun-pm',
        repository: 'vw-mlops/weld-gun-pm',
        dataAccess: [{
          table: 'weld_readings',
          columns: ['weld_id', 'gun_id', 'plant_id', 'welded_at', 'current_ka', 'voltage_v', 'weld_time_ms', 'electrode_force_kn', 'welds_since_tip_dress', 'resistance_uohm', 'temperature_c'],
        }],
      },
    ],
    studio: {
      authMode: 'IAM',
      idleTimeoutMinutes: 120,
      users: [{ userProfileName: 'data-scientist-1', useCase: 'weld-gun-pm' }, { userProfileName: 'data-scientist-2', useCase: 'weld-gun-pm' }],
    },
    dataShare: {
      databaseName: 'welding',
      tables: [
        {
          name: 'weld_readings',
          location: 's3://vwml-data-lake-111111111111/welding/weld_readings/',
          columns: [
            { name: 'weld_id', type: 'string' },
            { name: 'gun_id', type: 'string' },
            { name: 'plant_id', type: 'string' },
            { name: 'welded_at', type: 'timestamp' },
            { name: 'current_ka', type: 'double' },
            { name: 'voltage_v', type: 'double' },
            { name: 'weld_time_ms', type: 'double' },
            { name: 'electrode_force_kn', type: 'double' },
            { name: 'welds_since_tip_dress', type: 'bigint' },
            { name: 'resistance_uohm', type: 'double' },
            { name: 'temperature_c', type: 'double' },
            { name: 'operator_badge', type: 'string' },
          ],
          sharedColumns: [
            'weld_id', 'gun_id', 'plant_id', 'welded_at', 'current_ka', 'voltage_v', 'weld_time_ms',
            'electrode_force_kn', 'welds_since_tip_dress', 'resistance_uohm', 'temperature_c',
          ],
        },
      ],
    },
  };
}
