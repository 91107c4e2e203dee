import { Stack, Token } from 'aws-cdk-lib';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';

/**
 * One Lake Formation data cells filter: some columns and, optionally, some rows of one table.
 */
export interface DataCellsFilterOptions {
  /**
   * The filter name, unique among the filters of its table: 1 to 255 characters, one line (no control
   * characters), e.g. `vwml-weld-gun-pm_weld_readings`.
   */
  readonly filterName: string;

  /** The table the filter belongs to: 1 to 255 lower-case letters, digits and `_`. */
  readonly tableName: string;

  /**
   * The columns the principals may read (columns or partition keys of the table), at least one. Lake
   * Formation checks them against the table when it creates the filter.
   */
  readonly columnNames: string[];

  /**
   * A PartiQL condition on the table's columns: only the rows for which it is true are returned, e.g.
   * `plant_id IN ('wob', 'zwi')`.
   * @default - every row (`AllRowsWildcard`)
   */
  readonly rowFilter?: string;
}

/**
 * Props of a `DataCellsFilterGrant`.
 */
export interface DataCellsFilterGrantProps {
  /** The Glue database of the tables: 1 to 255 lower-case letters, digits and `_`. */
  readonly databaseName: string;

  /**
   * The account (12 digits) whose Data Catalog holds the database; grants are made in it.
   * @default - the account of the stack
   */
  readonly catalogId?: string;

  /** The filters, at least one; each is granted to every principal. */
  readonly filters: DataCellsFilterOptions[];

  /**
   * The IAM role (or user) ARNs that get `SELECT` on every filter and `DESCRIBE` on the database, at
   * least one. They may be in another account (Lake Formation shares cross-account through AWS RAM; then
   * a data lake administrator of the catalog must make the grants). Each principal also needs, in its own
   * account, the IAM permissions to call Glue (`glue:GetTable`, ... on the catalog objects or their
   * resource links) and `lakeformation:GetDataAccess`, and, for a resource link, `DESCRIBE` on the link.
   */
  readonly principalArns: string[];
}

/**
 * Lake Formation data cells filters on tables of one database (column- and row-level security), each
 * granted with `SELECT` to named IAM principals, and `DESCRIBE` on the database to the same principals,
 * all without grant option: the principals can read exactly the filtered cells and pass nothing on.
 *
 * Unlike a grant to a whole consumer account (`DataShare` with `columnGrants`), nobody in the consumer
 * account but the named principals reads the data, and no administrator there can re-grant it.
 * `AWS::LakeFormation::PrincipalPermissions` grants one permission set per principal and resource, so each
 * principal gets exactly one `DESCRIBE` on the database here: do not grant the same principal `DESCRIBE`
 * on the same database from another construct.
 *
 * The deploying role must be a data lake administrator of the catalog (see
 * `DataShareProps.lakeFormationAdminArns`), and the tables must exist when this deploys: put it in the
 * same stack after the tables, or in a stack that depends on theirs.
 *
 * @example
 * new DataCellsFilterGrant(this, 'WeldGunPm', {
 *   databaseName: 'welding',
 *   filters: [{
 *     filterName: 'weld_gun_pm_readings',
 *     tableName: 'weld_readings',
 *     columnNames: ['weld_id', 'plant_id', 'current_ka'],
 *     rowFilter: "plant_id IN ('wob')",
 *   }],
 *   principalArns: ['arn:aws:iam::222222222222:role/vwml-weld-gun-pm-pipeline'],
 * });
 */
export class DataCellsFilterGrant extends Construct {
  /** The data cells filters, in the order of `filters`. */
  public readonly filters: lakeformation.CfnDataCellsFilter[];
  /** The grants: per principal, `DESCRIBE` on the database, then `SELECT` on each filter. */
  public readonly grants: lakeformation.CfnPrincipalPermissions[];
  /** The account whose catalog holds the database. */
  public readonly catalogId: string;

  /**
   * @param scope the construct scope
   * @param id the construct id
   * @param props the DataCellsFilterGrant settings
   */
  constructor(scope: Construct, id: string, props: DataCellsFilterGrantProps) {
    super(scope, id);
    validate(props);
    const catalogId = props.catalogId ?? Stack.of(this).account;
    this.catalogId = catalogId;
    this.filters = props.filters.map((f, i) => new lakeformation.CfnDataCellsFilter(this, `Filter${i}`, {
      tableCatalogId: catalogId,
      databaseName: props.databaseName,
      tableName: f.tableName,
      name: f.filterName,
      columnNames: f.columnNames,
      rowFilter: f.rowFilter === undefined ? { allRowsWildcard: {} } : { filterExpression: f.rowFilter },
    }));
    this.grants = [];
    props.principalArns.forEach((arn, p) => {
      const principal = { dataLakePrincipalIdentifier: arn };
      this.grants.push(new lakeformation.CfnPrincipalPermissions(this, `Describe${p}`, {
        catalog: catalogId,
        principal,
        resource: { database: { catalogId, name: props.databaseName } },
        permissions: ['DESCRIBE'],
        permissionsWithGrantOption: [],
      }));
      this.filters.forEach((filter, i) => {
        const select = new lakeformation.CfnPrincipalPermissions(this, `Select${p}-${i}`, {
          catalog: catalogId,
          principal,
          resource: {
            dataCellsFilter: { tableCatalogId: catalogId, databaseName: props.databaseName, tableName: filter.tableName, name: filter.name },
          },
          permissions: ['SELECT'],
          permissionsWithGrantOption: [],
        });
        select.addDependency(filter);
        this.grants.push(select);
      });
    });
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const CATALOG_NAME = /^[a-z0-9_]{1,255}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function validate(props: DataCellsFilterGrantProps): void {
  const literal = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  const fail = (message: string): never => {
    throw new Error(`DataCellsFilterGrant: ${message}`);
  };
  if (literal(props.databaseName) && !CATALOG_NAME.test(props.databaseName)) {
    fail(`databaseName ${JSON.stringify(props.databaseName)} is not a valid database name: use 1 to 255 lower-case letters, digits and '_', e.g. 'welding'`);
  }
  if (literal(props.catalogId) && !ACCOUNT_ID.test(props.catalogId)) {
    fail(`catalogId ${JSON.stringify(props.catalogId)} is not a 12-digit AWS account id; write the account of the catalog, e.g. '111111111111'`);
  }
  if (!props.filters || props.filters.length === 0) fail('filters is empty; give at least one filter');
  if (!props.principalArns || props.principalArns.length === 0) fail('principalArns is empty; name at least one IAM role ARN to grant the filters to');
  const names = new Set<string>();
  for (const f of props.filters) {
    if (literal(f.filterName) && (f.filterName.length < 1 || f.filterName.length > 255 || CONTROL.test(f.filterName))) {
      fail(`filterName ${JSON.stringify(f.filterName)} is not a filter name: use 1 to 255 characters on one line, e.g. 'weld_gun_pm_readings'`);
    }
    if (literal(f.tableName) && !CATALOG_NAME.test(f.tableName)) {
      fail(`filter ${JSON.stringify(f.filterName)} names table ${JSON.stringify(f.tableName)}, which is not a valid table name: use 1 to 255 lower-case letters, digits and '_'`);
    }
    const key = `${f.tableName}/${f.filterName}`;
    if (names.has(key)) fail(`two filters of table ${JSON.stringify(f.tableName)} are named ${JSON.stringify(f.filterName)}; name each filter of a table once`);
    names.add(key);
    if (!f.columnNames || f.columnNames.length === 0) fail(`filter ${JSON.stringify(f.filterName)} has no columnNames; list the columns the principals may read`);
    if (new Set(f.columnNames).size !== f.columnNames.length) fail(`filter ${JSON.stringify(f.filterName)} lists a column twice; list each column once`);
    if (literal(f.rowFilter) && (f.rowFilter.trim() === '' || f.rowFilter.length > 2048 || f.rowFilter.includes(';'))) {
      fail(`filter ${JSON.stringify(f.filterName)} has rowFilter ${JSON.stringify(f.rowFilter)}; write one PartiQL condition without ';' (at most 2,048 characters), e.g. "plant_id IN ('wob')", or leave it out for every row`);
    }
  }
  const principals = new Set<string>();
  for (const arn of props.principalArns) {
    if (literal(arn) && !PRINCIPAL_ARN.test(arn)) {
      fail(`principalArns contains ${JSON.stringify(arn)}, which is not an IAM role or user ARN; write e.g. 'arn:aws:iam::222222222222:role/analyst'`);
    }
    if (principals.has(arn)) fail(`principalArns lists ${JSON.stringify(arn)} twice; list each principal once`);
    principals.add(arn);
  }
}
