/**
 * Issue 12 point 7: Lake Formation per use case. Each use case's DATA onboarding stack holds a data cells
 * filter per `dataAccess` entry (its columns, its row filter), granted to that use case's roles in EXP by
 * ARN without grant option; the EXP account as a whole keeps only DESCRIBE on the database.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig } from '../../../src';
import { twoUseCasesConfig } from '../../fixtures/two-usecases';
import { emptyManagedPolicies, logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const DATA = '111111111111';
const EXP = '222222222222';
const ALL_SHARED = ['weld_id', 'gun_id', 'plant_id', 'welded_at', 'current_ka', 'voltage_v', 'weld_time_ms', 'electrode_force_kn', 'welds_since_tip_dress', 'resistance_uohm', 'temperature_c'];

/** weld-gun-pm reads Wolfsburg's rows, paint-defect Zwickau's (fewer columns, every row), weld-gun nothing. */
function config(): PlatformConfig {
  return twoUseCasesConfig((json) => {
    json.useCases[0].dataAccess = [{ table: 'weld_readings', columns: ['weld_id', 'plant_id', 'current_ka'], rowFilter: "plant_id IN ('wob')" }];
    json.useCases[1].dataAccess = [{ table: 'weld_readings', columns: ['weld_id', 'gun_id'] }];
    json.studio.users = [
      { userProfileName: 'data-scientist-1', useCase: 'weld-gun-pm' },
      { userProfileName: 'data-scientist-2', useCase: 'paint-defect' },
      { userProfileName: 'data-scientist-3', useCase: 'weld-gun' },
    ];
  });
}

const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config: config() });
const dataStack = (uc: string) => platform.useCases.find((u) => u.useCase.name === uc)!.tryFindStack(PlatformAccount.DATA);
const role = (name: string) => `arn:aws:iam::${EXP}:role/${name}`;
/** The roles of each use case that read data: its pipeline role and its Studio profiles' roles. */
const READERS: Record<string, string[]> = {
  'weld-gun-pm': [role('vwml-weld-gun-pm-pipeline'), role('vwml-studio_data-scientist-1')],
  'paint-defect': [role('vwml-paint-defect-pipeline'), role('vwml-studio_data-scientist-2')],
};
const FILTER: Record<string, string> = { 'weld-gun-pm': 'vwml-weld-gun-pm_weld_readings', 'paint-defect': 'vwml-paint-defect_weld_readings' };

/** Every Lake Formation grant of every stack of an app, with the stack it is in. */
function allGrants(a: App): Array<{ stack: string; principal: string; resource: any; permissions: string[]; withGrantOption: string[] }> {
  return a.synth().stacks.flatMap((s) =>
    Object.values(s.template.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::LakeFormation::PrincipalPermissions').map((r: any) => ({
      stack: s.stackName,
      principal: r.Properties.Principal.DataLakePrincipalIdentifier,
      resource: r.Properties.Resource,
      permissions: r.Properties.Permissions,
      withGrantOption: r.Properties.PermissionsWithGrantOption,
    })));
}

describe('the DATA onboarding stack of a use case with dataAccess', () => {
  test('holds a data cells filter on the shared table with exactly its columns and its row filter', () => {
    const stack = dataStack('weld-gun-pm')!;
    expect(stack.stackName).toBe('vwml-weld-gun-pm-onboarding-data');
    expect(stack.account).toBe(DATA);
    const filters = Object.values(Template.fromStack(stack).findResources('AWS::LakeFormation::DataCellsFilter')).map((r: any) => r.Properties);
    expect(filters).toEqual([{
      TableCatalogId: DATA,
      DatabaseName: 'welding',
      TableName: 'weld_readings',
      Name: FILTER['weld-gun-pm'],
      ColumnNames: ['weld_id', 'plant_id', 'current_ka'],
      RowFilter: { FilterExpression: "plant_id IN ('wob')" },
    }]);
  });

  test('without a row filter, the filter covers every row (AllRowsWildcard)', () => {
    Template.fromStack(dataStack('paint-defect')!).hasResourceProperties('AWS::LakeFormation::DataCellsFilter', {
      Name: FILTER['paint-defect'], ColumnNames: ['weld_id', 'gun_id'], RowFilter: { AllRowsWildcard: {} },
    });
  });

  test('grants SELECT on the filter and DESCRIBE on the database to exactly its pipeline and Studio roles, without grant option', () => {
    const grants = Object.values(Template.fromStack(dataStack('weld-gun-pm')!).findResources('AWS::LakeFormation::PrincipalPermissions')).map((r: any) => r.Properties);
    expect(grants).toEqual(READERS['weld-gun-pm'].flatMap((arn) => [
      { Catalog: DATA, Principal: { DataLakePrincipalIdentifier: arn }, Resource: { Database: { CatalogId: DATA, Name: 'welding' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] },
      {
        Catalog: DATA,
        Principal: { DataLakePrincipalIdentifier: arn },
        Resource: { DataCellsFilter: { TableCatalogId: DATA, DatabaseName: 'welding', TableName: 'weld_readings', Name: FILTER['weld-gun-pm'] } },
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: [],
      },
    ]));
  });

  test('deploys after DATA\'s platform stack (tables, data lake administrators), which it names without exports', () => {
    const stack = dataStack('weld-gun-pm')!;
    expect(stack.dependencies).toContain(platform.data);
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(template).not.toContain('Fn::ImportValue');
  });

  test('a use case without dataAccess has no DATA onboarding stack', () => {
    expect(dataStack('weld-gun')).toBeUndefined();
  });
});

describe('the grant graph across every stack of the platform', () => {
  const grants = allGrants(app);

  test('no grant has the grant option', () => {
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.filter((g) => g.withGrantOption.length > 0)).toEqual([]);
  });

  test('the EXP account gets only DESCRIBE on the database: no SELECT on a whole table', () => {
    expect(grants.filter((g) => g.principal === EXP)).toEqual([
      { stack: 'vwml-platform-data', principal: EXP, resource: { Database: { CatalogId: DATA, Name: 'welding' } }, permissions: ['DESCRIBE'], withGrantOption: [] },
    ]);
    expect(grants.filter((g) => g.resource.TableWithColumns || g.resource.Table)).toEqual([]);
  });

  test.each(Object.keys(READERS))('%s: its roles have SELECT on its own filter only, and its filter is granted to its roles only', (uc) => {
    const selects = grants.filter((g) => g.permissions.includes('SELECT'));
    expect(selects.every((g) => g.resource.DataCellsFilter)).toBe(true);
    const mine = selects.filter((g) => READERS[uc].includes(g.principal));
    expect(mine.map((g) => g.resource.DataCellsFilter.Name)).toEqual(READERS[uc].map(() => FILTER[uc]));
    const onMyFilter = selects.filter((g) => g.resource.DataCellsFilter.Name === FILTER[uc]);
    expect(onMyFilter.map((g) => g.principal).sort()).toEqual([...READERS[uc]].sort());
  });

  test('the Studio role of a use case without dataAccess, and the domain\'s default role, get no grant at all', () => {
    const principals = new Set(grants.map((g) => g.principal));
    expect(principals.has(role('vwml-studio_data-scientist-3'))).toBe(false);
    const defaultRole = { 'Fn::GetAtt': [logicalIdOf(platform.exp.studio.defaultExecutionRole), 'Arn'] };
    expect([...principals].some((p) => JSON.stringify(p) === JSON.stringify(defaultRole))).toBe(false);
  });
});

describe('EXP: what the use case\'s Studio roles need there', () => {
  const exp = Template.fromStack(platform.exp).toJSON();

  // the profiles live in their use case's EXP onboarding stack (the platform stack holds none once useCases list them)
  const profileOf = (user: string, uc: string) => {
    const o = platform.useCases.find((u) => u.useCase.name === uc)!;
    return { role: o.studioProfiles[user].role, json: Template.fromStack(o.tryFindStack(PlatformAccount.EXP)!).toJSON() };
  };

  test('each profile\'s execution role has the name DATA grants to', () => {
    for (const [user, uc] of [['data-scientist-1', 'weld-gun-pm'], ['data-scientist-2', 'paint-defect']]) {
      const { role: r, json } = profileOf(user, uc);
      expect(role(json.Resources[logicalIdOf(r)].Properties.RoleName)).toBe(READERS[uc][1]);
    }
  });

  test('the profiles and the pipeline role of use cases with dataAccess get DESCRIBE on the resource link, and nothing on the data', () => {
    const grantsOf = (json: any) => Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::LakeFormation::PrincipalPermissions').map((r) => r.Properties);
    const describe = (principal: unknown) => ({
      Catalog: EXP, Principal: { DataLakePrincipalIdentifier: principal }, Resource: { Database: { CatalogId: EXP, Name: 'welding' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [],
    });
    expect(grantsOf(exp)).toEqual([]);
    for (const [user, uc] of [['data-scientist-1', 'weld-gun-pm'], ['data-scientist-2', 'paint-defect']]) {
      const { role: r, json } = profileOf(user, uc);
      // the pipeline role by ARN: the use case's training stack creates it (old code: no grant, its DATA grant unusable)
      expect(grantsOf(json)).toEqual(expect.arrayContaining([describe({ 'Fn::GetAtt': [logicalIdOf(r), 'Arn'] }), describe(READERS[uc][0])]));
      expect(grantsOf(json)).toHaveLength(2);
    }
    // weld-gun declares no dataAccess: its Studio role and its pipeline get nothing
    const weldGun = Template.fromStack(platform.useCases.find((u) => u.useCase.name === 'weld-gun')!.tryFindStack(PlatformAccount.EXP)!).toJSON();
    expect(grantsOf(weldGun)).toEqual([]);
  });

  test('the training stack of a use case with dataAccess lets its pipeline role read the shared data (Glue, Lake Formation, Athena); without, nothing', () => {
    const training = (uc: string) => new MlopsUseCase(new App(), 'UseCase', { platform: platform.config, useCaseName: uc }).training;
    const policy = training('weld-gun-pm').sharedDataPolicy!;
    const doc = Template.fromStack(training('paint-defect')).toJSON();
    expect(policy).toBeDefined();
    const statements = Object.values<any>(doc.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && /pipeline/.test(JSON.stringify(r.Properties.Description)))
      .flatMap((r) => r.Properties.PolicyDocument.Statement.map((st: any) => st.Sid));
    expect(statements).toEqual(expect.arrayContaining(['ReadSharedDatabaseMetadata', 'LakeFormationCredentialsForGrantedData', 'QueryInTheWorkGroup']));
    expect(training('weld-gun').sharedDataPolicy).toBeUndefined();
  });

  test('a use case\'s own CloudFormation execution role may not change a Studio role (its name is outside <prefix>-<use case>-*)', async () => {
    const o = platform.useCases.find((u) => u.useCase.name === 'weld-gun')!;
    const stack = o.tryFindStack(PlatformAccount.EXP)!;
    const execRole = o.tryFindDeployRoles(PlatformAccount.EXP)!.cfnExecRole;
    const identityPolicies = TemplatePolicies.fromStack(stack, { account: EXP })
      .identityPolicies(logicalIdOf(execRole), emptyManagedPolicies(`arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`));
    const principal = role(o.names.cfnExecRoleName(PlatformAccount.EXP));
    const attach = (roleName: string) => simulate({ identityPolicies, principal, action: 'iam:AttachRolePolicy', resource: role(roleName) });
    // its own roles: allowed (the control); a Studio role, even of its own profile: denied
    expect(await attach('vwml-weld-gun-training-role')).toBe('Allowed');
    for (const user of ['data-scientist-1', 'data-scientist-3']) {
      expect(await attach(platform.names.studioExecutionRoleName(user))).not.toBe('Allowed');
    }
  });

  test('a profile name too long for IAM is cut and ends in a hash, still outside every use case\'s prefix', () => {
    const long = 'a'.repeat(63);
    const name = platform.names.studioExecutionRoleName(long);
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^vwml-studio_a+-[0-9a-f]{8}$/);
    expect(platform.names.studioExecutionRoleName(`${'a'.repeat(62)}b`)).not.toBe(name);
  });
});

describe('without dataAccess in useCases, the share stays account-wide (as before)', () => {
  test('DATA grants SELECT on the shared columns to the EXP account with the grant option; no filters', () => {
    const json = PlatformConfig.sample().toJson() as any;
    delete json.useCases[0].dataAccess;
    const p = new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(json) });
    const data = Template.fromStack(p.data);
    data.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
      Principal: { DataLakePrincipalIdentifier: EXP },
      Resource: { TableWithColumns: { CatalogId: DATA, DatabaseName: 'welding', Name: 'weld_readings', ColumnNames: ALL_SHARED } },
      Permissions: ['SELECT'],
      PermissionsWithGrantOption: ['SELECT'],
    });
    expect(p.useCases.map((u) => u.tryFindStack(PlatformAccount.DATA))).toEqual([undefined]);
  });
});
