import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, DataCellsFilterGrant, DataCellsFilterGrantProps } from '../../../src';
import { testStack } from '../../helpers/stacks';

const DATA = '111111111111';
const ANALYST = 'arn:aws:iam::222222222222:role/analyst';
const PIPELINE = 'arn:aws:iam::222222222222:role/pipeline';

function build(extra: Partial<DataCellsFilterGrantProps> = {}) {
  const { app, stack } = testStack('Data', { account: DATA, region: 'eu-central-1' });
  const grant = new DataCellsFilterGrant(stack, 'WeldGunPm', {
    databaseName: 'welding',
    filters: [
      { filterName: 'pm_readings', tableName: 'weld_readings', columnNames: ['weld_id', 'plant_id'], rowFilter: "plant_id IN ('wob')" },
      { filterName: 'pm_guns', tableName: 'guns', columnNames: ['gun_id'] },
    ],
    principalArns: [ANALYST, PIPELINE],
    ...extra,
  });
  return { app, stack, grant, t: () => Template.fromStack(stack) };
}

describe('DataCellsFilterGrant', () => {
  test('one data cells filter per entry: its columns, its row filter, or every row', () => {
    const { t } = build();
    const filters = Object.values(t().findResources('AWS::LakeFormation::DataCellsFilter')).map((r: any) => r.Properties);
    expect(filters).toEqual([
      { TableCatalogId: DATA, DatabaseName: 'welding', TableName: 'weld_readings', Name: 'pm_readings', ColumnNames: ['weld_id', 'plant_id'], RowFilter: { FilterExpression: "plant_id IN ('wob')" } },
      { TableCatalogId: DATA, DatabaseName: 'welding', TableName: 'guns', Name: 'pm_guns', ColumnNames: ['gun_id'], RowFilter: { AllRowsWildcard: {} } },
    ]);
  });

  test('each principal: DESCRIBE on the database once and SELECT on each filter, never with grant option', () => {
    const { t, stack, grant } = build();
    const grants = Object.values(t().findResources('AWS::LakeFormation::PrincipalPermissions')) as any[];
    expect(grants.map((g) => g.Properties)).toEqual([ANALYST, PIPELINE].flatMap((arn) => [
      { Catalog: DATA, Principal: { DataLakePrincipalIdentifier: arn }, Resource: { Database: { CatalogId: DATA, Name: 'welding' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] },
      ...[['weld_readings', 'pm_readings'], ['guns', 'pm_guns']].map(([table, name]) => ({
        Catalog: DATA,
        Principal: { DataLakePrincipalIdentifier: arn },
        Resource: { DataCellsFilter: { TableCatalogId: DATA, DatabaseName: 'welding', TableName: table, Name: name } },
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: [],
      })),
    ]));
    // a grant on a filter waits for the filter
    const filterIds = grant.filters.map((f) => stack.getLogicalId(f));
    for (const g of grants.filter((x) => x.Properties.Resource.DataCellsFilter)) {
      expect(filterIds).toContain(g.DependsOn[0]);
    }
    expect(grant.grants).toHaveLength(6);
  });

  test('catalogId names the account of the catalog', () => {
    const { t } = build({ catalogId: '999999999999' });
    t().hasResourceProperties('AWS::LakeFormation::DataCellsFilter', { TableCatalogId: '999999999999' });
    t().hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', { Catalog: '999999999999' });
  });

  test('passes the compliance packs', () => {
    const { app } = build();
    ComplianceCheck.assertCompliant(app);
  });

  describe('refuses bad props, naming the field', () => {
    const filter = { filterName: 'f', tableName: 'weld_readings', columnNames: ['weld_id'] };
    test.each([
      [{ databaseName: 'Welding' }, /databaseName "Welding" is not a valid database name/],
      [{ catalogId: '1234' }, /catalogId "1234" is not a 12-digit AWS account id/],
      [{ filters: [] }, /filters is empty/],
      [{ principalArns: [] }, /principalArns is empty/],
      [{ principalArns: ['analyst'] }, /principalArns contains "analyst", which is not an IAM role or user ARN/],
      [{ principalArns: [ANALYST, ANALYST] }, /lists "arn:aws:iam::222222222222:role\/analyst" twice/],
      [{ filters: [{ ...filter, filterName: '' }] }, /filterName "" is not a filter name/],
      [{ filters: [{ ...filter, filterName: 'a\nb' }] }, /filterName "a\\nb" is not a filter name/],
      [{ filters: [{ ...filter, tableName: 'Weld-Readings' }] }, /names table "Weld-Readings", which is not a valid table name/],
      [{ filters: [filter, filter] }, /two filters of table "weld_readings" are named "f"/],
      [{ filters: [{ ...filter, columnNames: [] }] }, /filter "f" has no columnNames/],
      [{ filters: [{ ...filter, columnNames: ['a', 'a'] }] }, /filter "f" lists a column twice/],
      [{ filters: [{ ...filter, rowFilter: "plant_id = 'wob'; DROP TABLE x" }] }, /filter "f" has rowFilter .* write one PartiQL condition/],
    ])('%j', (extra, message) => {
      expect(() => build(extra as Partial<DataCellsFilterGrantProps>)).toThrow(message);
    });
  });
});
