import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PackageManager } from './package-mirror';
import { partitionOfRegion, urlSuffixOfRegion } from '../core/iam-findings';

const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;
const REPOSITORY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Where a `PackageMirror` is, as literal names (it usually lives in another account: EXP).
 */
export interface PackageMirrorReferenceProps {
  /** The CodeArtifact domain name, e.g. `vwml-packages`. */
  readonly domainName: string;
  /** The 12-digit account that owns the domain (`--domain-owner`). */
  readonly domainOwner: string;
  /** The region of the domain, e.g. `eu-central-1`. */
  readonly region: string;
  /**
   * The repository readers use (the mirror's shared repository).
   * @default 'shared'
   */
  readonly repositoryName?: string;
}

/**
 * A `PackageMirror` of another stack or account, by its literal names: what a build in another account
 * needs to install packages from it. The mirror's domain and repository policies must admit the reader's
 * account (`PackageMirror.readerAccountIds`); the reader's own role needs `readerPolicyStatements`
 * (`grantRead` adds them), which no resource policy can grant. The caller needs no right on the
 * mirror's key: CodeArtifact decrypts the assets with the grant it holds on the key since the domain was
 * created. From an isolated VPC the reader reaches CodeArtifact through the `codeartifact.api`,
 * `codeartifact.repositories` and `sts` interface endpoints (`IsolatedNetwork` creates them).
 *
 * @example
 * const mirror = PackageMirrorReference.fromAttributes({ domainName: 'vwml-packages', domainOwner: '222222222222', region: 'eu-central-1' });
 * mirror.grantRead(buildProject);
 * // in the buildspec: mirror.loginCommand(PackageManager.NPM), then npm ci
 */
export class PackageMirrorReference {
  /**
   * A mirror by its names.
   * @param props the domain, its owner, its region and the shared repository
   */
  public static fromAttributes(props: PackageMirrorReferenceProps): PackageMirrorReference {
    const P = 'PackageMirrorReference';
    const repositoryName = props.repositoryName ?? 'shared';
    const checks: Array<[string, string, RegExp, string]> = [
      ['domainName', props.domainName, DOMAIN_NAME, "a CodeArtifact domain name, e.g. 'vwml-packages'"],
      ['domainOwner', props.domainOwner, ACCOUNT_ID, "the 12-digit account that owns the domain (EXP), e.g. '222222222222'"],
      ['region', props.region, REGION, "a region, e.g. 'eu-central-1'"],
      ['repositoryName', repositoryName, REPOSITORY_NAME, "the shared repository's name, e.g. 'shared'"],
    ];
    for (const [field, value, pattern, what] of checks) {
      if (typeof value !== 'string' || Token.isUnresolved(value) || !pattern.test(value)) {
        throw new Error(`${P}: ${field} ${JSON.stringify(value)} is not valid; write ${what} (a literal: the builds' commands name it)`);
      }
    }
    return new PackageMirrorReference(props.domainName, props.domainOwner, props.region, repositoryName);
  }

  /** The domain name. */
  public readonly domainName: string;
  /** The account that owns the domain. */
  public readonly domainOwner: string;
  /** The region of the domain. */
  public readonly region: string;
  /** The repository readers use. */
  public readonly repositoryName: string;

  private constructor(domainName: string, domainOwner: string, region: string, repositoryName: string) {
    this.domainName = domainName;
    this.domainOwner = domainOwner;
    this.region = region;
    this.repositoryName = repositoryName;
  }

  /** The domain ARN. */
  public get domainArn(): string {
    return `arn:${partitionOfRegion(this.region, 'aws')}:codeartifact:${this.region}:${this.domainOwner}:domain/${this.domainName}`;
  }

  /** The ARN of the repository readers use. */
  public get repositoryArn(): string {
    return `arn:${partitionOfRegion(this.region, 'aws')}:codeartifact:${this.region}:${this.domainOwner}:repository/${this.domainName}/${this.repositoryName}`;
  }

  /**
   * The repository's endpoint for a package format, e.g.
   * `https://vwml-packages-222222222222.d.codeartifact.eu-central-1.amazonaws.com/npm/shared/`.
   * @param packageFormat `npm`, `pypi`, ...
   */
  public repositoryEndpoint(packageFormat: string): string {
    const suffix = urlSuffixOfRegion(this.region);
    return `https://${this.domainName}-${this.domainOwner}.d.codeartifact.${this.region}.${suffix}/${packageFormat}/${this.repositoryName}/`;
  }

  /** The npm registry URL. */
  public get npmRegistryUrl(): string {
    return this.repositoryEndpoint('npm');
  }

  /** The pip index URL (`<endpoint>/simple/`). */
  public get pipIndexUrl(): string {
    return `${this.repositoryEndpoint('pypi')}simple/`;
  }

  /**
   * The `aws codeartifact login` command that points a package manager at the repository (it gets a
   * token for 12 hours and writes the registry URL and token into the tool's configuration).
   * @param tool the package manager
   */
  public loginCommand(tool: PackageManager): string {
    return `aws codeartifact login --tool ${tool} --domain ${this.domainName} --domain-owner ${this.domainOwner} --repository ${this.repositoryName} --region ${this.region}`;
  }

  /**
   * The identity-policy statements a reader needs: a token for the domain, an STS bearer token for
   * CodeArtifact, and reading the repository (with its endpoint).
   */
  public readerPolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ sid: 'PackageMirrorToken', actions: ['codeartifact:GetAuthorizationToken'], resources: [this.domainArn] }),
      new iam.PolicyStatement({
        sid: 'PackageMirrorRead',
        actions: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
        resources: [this.repositoryArn],
      }),
      new iam.PolicyStatement({
        sid: 'PackageMirrorBearerToken',
        actions: ['sts:GetServiceBearerToken'],
        // no resource-level permissions; the condition limits it to CodeArtifact
        resources: ['*'],
        conditions: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
      }),
    ];
  }

  /**
   * Adds `readerPolicyStatements` to a principal's identity policy.
   * @param grantee the principal that installs packages
   */
  public grantRead(grantee: iam.IGrantable): void {
    for (const statement of this.readerPolicyStatements()) grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
