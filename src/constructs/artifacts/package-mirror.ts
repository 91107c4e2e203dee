import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codeartifact from 'aws-cdk-lib/aws-codeartifact';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { validateAccountIds } from './validation';
import { urlSuffixOfRegion } from '../core/iam-findings';

/** CodeArtifact domain names: 2-50 characters, lowercase letters, digits and hyphens, starting with a letter. */
const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
/** CodeArtifact repository names: 2-100 characters, letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
/** AWS Organizations organization ids. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
/** CodeArtifact external connection names. */
const EXTERNAL_CONNECTION = /^public:[a-z0-9-]+$/;

/**
 * The actions a reader account gets on the shared repository: fetch packages through a package
 * manager and look at what the repository holds. Nothing that writes.
 */
const REPOSITORY_READ_ACTIONS = [
  'codeartifact:ReadFromRepository',
  'codeartifact:GetRepositoryEndpoint',
  'codeartifact:DescribeRepository',
  'codeartifact:ListPackages',
  'codeartifact:ListPackageVersions',
  'codeartifact:DescribePackage',
  'codeartifact:DescribePackageVersion',
  'codeartifact:ListPackageVersionAssets',
  'codeartifact:ListPackageVersionDependencies',
  'codeartifact:GetPackageVersionAsset',
  'codeartifact:GetPackageVersionReadme',
];

/**
 * A public package registry that the mirror caches, with the name of the repository that holds its
 * external connection. CodeArtifact allows one external connection per repository, so every source
 * gets its own "store" repository, and the shared repository lists the stores as upstreams.
 */
export class PublicPackageSource {
  /** The Python Package Index (`public:pypi`), cached in the repository `pypi-store`. */
  public static readonly PYPI = new PublicPackageSource('public:pypi', 'pypi-store', 'pypi');
  /** The npm public registry (`public:npmjs`), cached in the repository `npm-store`. */
  public static readonly NPM = new PublicPackageSource('public:npmjs', 'npm-store', 'npm');
  /** Maven Central (`public:maven-central`), cached in the repository `maven-central-store`. */
  public static readonly MAVEN_CENTRAL = new PublicPackageSource('public:maven-central', 'maven-central-store', 'maven');

  /**
   * Any other external connection CodeArtifact supports.
   * @param externalConnection the connection name, e.g. `public:nuget-org`
   * @param storeRepositoryName the repository that holds the connection, e.g. `nuget-store`
   * @param packageFormat the package format of the connection, e.g. `nuget` (used in endpoint URLs)
   */
  public static of(externalConnection: string, storeRepositoryName: string, packageFormat: string): PublicPackageSource {
    return new PublicPackageSource(externalConnection, storeRepositoryName, packageFormat);
  }

  /** The external connection name, e.g. `public:pypi`. */
  public readonly externalConnection: string;
  /** The name of the repository that holds the external connection, e.g. `pypi-store`. */
  public readonly storeRepositoryName: string;
  /** The package format, e.g. `pypi` or `npm`, as it appears in repository endpoint URLs. */
  public readonly packageFormat: string;

  private constructor(externalConnection: string, storeRepositoryName: string, packageFormat: string) {
    this.externalConnection = externalConnection;
    this.storeRepositoryName = storeRepositoryName;
    this.packageFormat = packageFormat;
  }
}

/**
 * A package manager that `aws codeartifact login` can configure.
 */
export enum PackageManager {
  /** pip (Python) */
  PIP = 'pip',
  /** twine (Python uploads) */
  TWINE = 'twine',
  /** npm (JavaScript) */
  NPM = 'npm',
}

/**
 * Props of a `PackageMirror`.
 */
export interface PackageMirrorProps {
  /** The customer-managed key that encrypts the domain's packages. */
  readonly encryptionKey: kms.IKey;

  /**
   * The platform accounts that may read from the mirror (typically EXP and RES). They get
   * `codeartifact:GetAuthorizationToken` on the domain and read actions on the shared repository;
   * every other account is denied every CodeArtifact action on the domain. The account that owns
   * the mirror always keeps access through IAM.
   */
  readonly readerAccountIds: string[];

  /**
   * An AWS Organizations organization id (`o-...`). When set, reader accounts are only allowed while
   * their principals belong to this organization (`aws:PrincipalOrgID`): an account that leaves the
   * organization loses access even though it is still listed.
   * @default - no organization condition
   */
  readonly organizationId?: string;

  /**
   * The domain name, unique per account and region.
   * @default 'mlops-packages'
   */
  readonly domainName?: string;

  /**
   * The public registries to mirror; each gets its own store repository.
   * @default [PublicPackageSource.PYPI, PublicPackageSource.NPM]
   */
  readonly sources?: PublicPackageSource[];

  /**
   * The repository that readers use: it has every store as an upstream and is the only repository
   * readers are allowed on.
   * @default 'shared'
   */
  readonly sharedRepositoryName?: string;
}

/**
 * A CodeArtifact mirror of public package registries (PyPI and npm by default) for accounts that have
 * no internet access.
 *
 * Layout: one repository per public source holds that source's external connection (`pypi-store`
 * with `public:pypi`, `npm-store` with `public:npmjs`), because CodeArtifact allows a single external
 * connection per repository. A `shared` repository lists every store as an upstream; readers
 * configure their package managers with the shared repository only, so a single index URL serves
 * every format and the stores are never reached directly.
 *
 * The domain and repositories are retained when they leave the stack (the cache and its audit
 * trail outlive a stack update).
 *
 * Access: the domain is encrypted with the given key. The domain policy lets only the listed reader
 * accounts obtain an authorization token, and denies every CodeArtifact action to principals of any
 * other account (the owner keeps IAM-based access). The shared repository's policy lets the readers
 * read; nobody outside the owning account can publish. Readers also need, in their own account, an
 * identity policy with `codeartifact:GetAuthorizationToken`, `codeartifact:ReadFromRepository`,
 * `codeartifact:GetRepositoryEndpoint` and `sts:GetServiceBearerToken` (which no resource policy can
 * grant): see `grantRead` and `readerPolicyStatements`.
 *
 * @example
 * const mirror = new PackageMirror(this, 'Mirror', {
 *   encryptionKey: key,
 *   readerAccountIds: ['111111111111', '333333333333'],
 *   organizationId: 'o-abcdefghij',
 * });
 * mirror.grantRead(studioRole);
 * new CfnOutput(this, 'PipLogin', { value: mirror.loginCommand(PackageManager.PIP) });
 */
export class PackageMirror extends Construct {
  /** The CodeArtifact domain. */
  public readonly domain: codeartifact.CfnDomain;
  /** The domain name. */
  public readonly domainName: string;
  /** The domain ARN. */
  public readonly domainArn: string;
  /** The account that owns the domain (`--domain-owner`). */
  public readonly domainOwner: string;
  /** The repository readers use, with every store as an upstream. */
  public readonly sharedRepository: codeartifact.CfnRepository;
  /** The name of the shared repository. */
  public readonly sharedRepositoryName: string;
  /** The ARN of the shared repository. */
  public readonly sharedRepositoryArn: string;
  /** The names of the store repositories, one per source, in the order of `sources`. */
  public readonly storeRepositoryNames: string[];
  /** The names of all repositories: the stores, then the shared repository. */
  public readonly repositoryNames: string[];
  private readonly sources: PublicPackageSource[];
  private readonly region: string;
  private readonly literalDomainName: string;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the domain, the keys and the reader accounts
   */
  constructor(scope: Construct, id: string, props: PackageMirrorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.region = stack.region;
    const domainName = props.domainName ?? 'mlops-packages';
    this.literalDomainName = domainName;
    const sharedName = props.sharedRepositoryName ?? 'shared';
    this.sources = props.sources ?? [PublicPackageSource.PYPI, PublicPackageSource.NPM];
    validateProps(props, domainName, sharedName, this.sources);

    const platformAccounts = [stack.account, ...props.readerAccountIds.filter((a) => a !== stack.account)];
    const readers = props.readerAccountIds.map((a) => new iam.AccountPrincipal(a));
    const orgCondition = props.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } } : undefined;

    const domainPolicy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AllowReaderAccountsToGetAuthorizationTokens',
          principals: readers,
          actions: ['codeartifact:GetAuthorizationToken'],
          resources: ['*'],
          conditions: orgCondition,
        }),
        new iam.PolicyStatement({
          sid: 'DenyEveryoneOutsideThePlatformAccounts',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['codeartifact:*'],
          resources: ['*'],
          conditions: {
            StringNotEquals: { 'aws:PrincipalAccount': platformAccounts },
            BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
          },
        }),
      ],
    });

    this.domain = new codeartifact.CfnDomain(this, 'Domain', {
      domainName,
      encryptionKey: props.encryptionKey.keyArn,
      permissionsPolicyDocument: domainPolicy,
    });
    this.domain.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.domainName = this.domain.attrName;
    this.domainArn = this.domain.attrArn;
    this.domainOwner = stack.account;

    const stores = this.sources.map(
      (source) =>
        new codeartifact.CfnRepository(this, `Store${source.storeRepositoryName}`, {
          domainName: this.domain.attrName,
          repositoryName: source.storeRepositoryName,
          description: `Caches ${source.externalConnection}; reached only as an upstream of ${sharedName}`,
          externalConnections: [source.externalConnection],
        }),
    );
    stores.forEach((store) => store.applyRemovalPolicy(RemovalPolicy.RETAIN));
    this.storeRepositoryNames = this.sources.map((s) => s.storeRepositoryName);

    const sharedPolicy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AllowReaderAccountsToRead',
          principals: readers,
          actions: REPOSITORY_READ_ACTIONS,
          resources: ['*'],
          conditions: orgCondition,
        }),
      ],
    });
    this.sharedRepository = new codeartifact.CfnRepository(this, 'Shared', {
      domainName: this.domain.attrName,
      repositoryName: sharedName,
      description: `Mirror of ${this.sources.map((s) => s.externalConnection).join(', ')} for the platform accounts`,
      upstreams: stores.map((s) => s.attrName),
      permissionsPolicyDocument: sharedPolicy,
    });
    this.sharedRepository.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.sharedRepositoryName = sharedName;
    this.sharedRepositoryArn = this.sharedRepository.attrArn;
    this.repositoryNames = [...this.storeRepositoryNames, sharedName];
  }

  /**
   * The shared repository's endpoint for a package format, e.g.
   * `https://mlops-packages-111111111111.d.codeartifact.eu-central-1.amazonaws.com/pypi/shared/`.
   * @param packageFormat `pypi`, `npm`, `maven`, ... (the `packageFormat` of a source)
   */
  public repositoryEndpoint(packageFormat: string): string {
    // a literal URL suffix where the region is known, so that the URL reads well in outputs and docs
    const suffix = Token.isUnresolved(this.region) ? Stack.of(this).urlSuffix : urlSuffixOfRegion(this.region);
    return `https://${this.literalDomainName}-${this.domainOwner}.d.codeartifact.${this.region}.${suffix}/${packageFormat}/${this.sharedRepositoryName}/`;
  }

  /** The pip index URL of the shared repository (`<endpoint>/simple/`); pip authenticates with `aws codeartifact login --tool pip`. */
  public get pipIndexUrl(): string {
    return `${this.repositoryEndpoint('pypi')}simple/`;
  }

  /** The npm registry URL of the shared repository; npm authenticates with `aws codeartifact login --tool npm`. */
  public get npmRegistryUrl(): string {
    return this.repositoryEndpoint('npm');
  }

  /**
   * The `aws codeartifact login` command that configures a package manager for the shared repository
   * (for documentation and outputs; the caller needs the permissions of `readerPolicyStatements`).
   * @param tool the package manager to configure
   */
  public loginCommand(tool: PackageManager): string {
    return `aws codeartifact login --tool ${tool} --domain ${this.literalDomainName} --domain-owner ${this.domainOwner} --repository ${this.sharedRepositoryName} --region ${this.region}`;
  }

  /**
   * The identity-policy statements a reader needs in its own account: an authorization token for
   * the domain, a bearer token from STS for CodeArtifact, and reading from the shared repository.
   * Use them for roles that this app does not define; `grantRead` adds them to a role of this app.
   */
  public readerPolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'CodeArtifactAuthorizationToken',
        actions: ['codeartifact:GetAuthorizationToken'],
        resources: [this.domainArn],
      }),
      new iam.PolicyStatement({
        sid: 'CodeArtifactReadSharedRepository',
        actions: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
        resources: [this.sharedRepositoryArn],
      }),
      new iam.PolicyStatement({
        sid: 'CodeArtifactBearerToken',
        actions: ['sts:GetServiceBearerToken'],
        // sts:GetServiceBearerToken has no resource-level permissions; the condition limits it to CodeArtifact
        resources: ['*'],
        conditions: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
      }),
    ];
  }

  /**
   * Lets a principal read packages through the shared repository (adds `readerPolicyStatements` to
   * its identity policy). A principal of another account must also be in `readerAccountIds`.
   * @param grantee the principal that installs packages
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const [token, read, bearer] = this.readerPolicyStatements();
    const grant = iam.Grant.addToPrincipal({ grantee, actions: token.actions, resourceArns: token.resources });
    iam.Grant.addToPrincipal({ grantee, actions: read.actions, resourceArns: read.resources });
    grantee.grantPrincipal.addToPrincipalPolicy(bearer);
    return grant;
  }
}

function validateProps(props: PackageMirrorProps, domainName: string, sharedName: string, sources: PublicPackageSource[]): void {
  if (!Token.isUnresolved(domainName) && !DOMAIN_NAME.test(domainName)) {
    throw new Error(
      `PackageMirror: domainName ${JSON.stringify(domainName)} is not a valid CodeArtifact domain name; use 2-50 lowercase letters, digits and hyphens, starting with a letter, e.g. 'mlops-packages'`,
    );
  }
  if (props.readerAccountIds.length === 0) {
    throw new Error('PackageMirror: readerAccountIds is empty; list the platform accounts that install packages (e.g. EXP and RES)');
  }
  validateAccountIds('PackageMirror', 'readerAccountIds', props.readerAccountIds);
  if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
    throw new Error(`PackageMirror: organizationId ${JSON.stringify(props.organizationId)} is not an organization id; write it as 'o-' followed by 10-32 lowercase letters or digits`);
  }
  if (sources.length === 0) {
    throw new Error('PackageMirror: sources is empty; name at least one PublicPackageSource, or omit it for PyPI and npm');
  }
  const names = new Set<string>();
  const connections = new Set<string>();
  for (const source of sources) {
    if (!EXTERNAL_CONNECTION.test(source.externalConnection)) {
      throw new Error(`PackageMirror: sources has the external connection ${JSON.stringify(source.externalConnection)}; CodeArtifact connection names look like 'public:pypi'`);
    }
    if (connections.has(source.externalConnection)) {
      throw new Error(`PackageMirror: sources lists ${source.externalConnection} twice; list each public registry once`);
    }
    connections.add(source.externalConnection);
    if (!REPOSITORY_NAME.test(source.storeRepositoryName)) {
      throw new Error(
        `PackageMirror: the store repository name ${JSON.stringify(source.storeRepositoryName)} of ${source.externalConnection} is not valid; use 2-100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    names.add(source.storeRepositoryName);
  }
  if (names.size !== sources.length) {
    throw new Error('PackageMirror: two sources use the same store repository name; give each source its own store repository');
  }
  if (!REPOSITORY_NAME.test(sharedName)) {
    throw new Error(
      `PackageMirror: sharedRepositoryName ${JSON.stringify(sharedName)} is not a valid repository name; use 2-100 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (names.has(sharedName)) {
    throw new Error(`PackageMirror: sharedRepositoryName ${JSON.stringify(sharedName)} is also a store repository name; choose another name for the shared repository`);
  }
}
