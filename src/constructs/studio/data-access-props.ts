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
