import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * A Glue database that the Studio execution roles may query through Lake Formation, Glue and Athena:
 * a database of this account, or a resource link (a database of this account whose target is a database
 * shared from another account, e.g. DATA's governed database). Lake Formation grants decide which tables,
 * columns and rows a role reads; the IAM rights only open the door.
 */
export interface StudioSharedDatabase {
  /** The database name in this account's Data Catalog (for a shared database: the resource link). */
  readonly databaseName: string;

  /**
   * The account (12 digits) whose Data Catalog holds the target of the resource link.
   * @default - `databaseName` is a database of this account, not a resource link
   */
  readonly targetCatalogId?: string;

  /**
   * The name of the target database in `targetCatalogId`.
   * @default - the same as `databaseName`
   */
  readonly targetDatabaseName?: string;

  /**
   * The alias of the KMS key that encrypts the target account's Data Catalog (e.g. `alias/vwml/platform`):
   * the roles may decrypt with the key of that alias in that account, only through Glue. That key's policy
   * must admit this account (a `DataShare` adds that statement).
   * @default - the target catalog is not encrypted with a customer-managed key
   */
  readonly targetCatalogKeyAlias?: string;
}

/**
 * The CodeArtifact mirror the Studio execution roles may install packages from.
 */
export interface StudioPackageMirror {
  /** The ARN of the CodeArtifact domain (for `codeartifact:GetAuthorizationToken`). */
  readonly domainArn: string;
  /** The ARNs of the repositories to read from (for `GetRepositoryEndpoint` and `ReadFromRepository`). */
  readonly repositoryArns: string[];
}

/**
 * What the execution roles of a Studio domain may reach besides SageMaker: given to a `StudioDomain`, and
 * to `StudioDomain.fromDomainAttributes` for the profiles of a domain of another stack.
 */
export interface StudioDomainReach {
  /**
   * Buckets the execution roles may read (model artifacts, curated data sets).
   * @default - none
   */
  readonly artifactBuckets?: s3.IBucket[];

  /**
   * Buckets the execution roles may read and write (job output, experiment work).
   * @default - none
   */
  readonly readWriteBuckets?: s3.IBucket[];

  /**
   * ECR repositories the execution roles may pull images from (custom training and processing images).
   * @default - none
   */
  readonly ecrRepositories?: ecr.IRepository[];

  /**
   * Name patterns (`*` for the varying part) of buckets whose objects the execution roles may list and
   * read, for buckets that do not exist yet when the domain is made, e.g. the use cases' artifact buckets
   * `vwml-*-artifacts-222222222222` found by the platform's naming convention.
   * @default - none
   */
  readonly readableBucketNamePatterns?: string[];

  /**
   * Aliases (`*` allowed) of the KMS keys of this account that encrypt the objects of
   * `readableBucketNamePatterns`, e.g. `alias/vwml/*\/artifacts`: the roles may decrypt with them through
   * S3 only.
   * @default - none (the objects are readable only if their key is the domain key or one the roles may use otherwise)
   */
  readonly readableBucketKeyAliases?: string[];

  /**
   * Glue databases (typically resource links to a database shared through Lake Formation from another
   * account) the execution roles may query: Glue metadata reads on the link and its target,
   * `lakeformation:GetDataAccess`, and decryption of the target catalog through Glue. Lake Formation
   * grants to the roles still decide which tables and columns they read.
   * @default - none
   */
  readonly sharedDatabases?: StudioSharedDatabase[];

  /**
   * The Athena workgroup the execution roles run queries in (its configuration should be enforced, with
   * encrypted results in `athenaResultsBucket`). Requires `athenaResultsBucket`.
   * @default - no Athena access
   */
  readonly athenaWorkGroupName?: string;

  /**
   * The bucket the Athena workgroup writes query results to: the roles may read and write its objects,
   * and use its key. Requires `athenaWorkGroupName`.
   * @default - no Athena access
   */
  readonly athenaResultsBucket?: s3.IBucket;

  /**
   * The CodeArtifact mirror the execution roles install packages from (`pip`/`npm` through
   * `aws codeartifact login`): `codeartifact:GetAuthorizationToken` on the domain,
   * `GetRepositoryEndpoint` and `ReadFromRepository` on the repositories, and `sts:GetServiceBearerToken`
   * for CodeArtifact only. The permissions boundary must allow these actions too.
   * @default - no package mirror access
   */
  readonly packageMirror?: StudioPackageMirror;

  /**
   * A bucket for notebooks shared with their cell output. When given, sharing with output is allowed
   * and written under `studio-sharing/` of this bucket, encrypted with the bucket's key (or the domain
   * key); when not given, notebooks are shared without their output.
   * @default - notebook output is not shared
   */
  readonly notebookSharingBucket?: s3.IBucket;
}
