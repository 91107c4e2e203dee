import { PlatformConfig } from '../../../src/blueprint/config/platform-config';

/** The sample configuration as JSON, with `useCases` replaced. */
function withUseCases(useCases: unknown): any {
  const props = PlatformConfig.sample().toJson();
  props.useCases = useCases;
  delete props.studio; // its users name the sample's use case
  return props;
}

const weld = { name: 'weld-gun-pm', team: 'mlops-weld-gun-pm', repository: 'vw-mlops/weld-gun-pm' };

describe('useCases: the use-case registry', () => {
  test('the sample lists weld-gun-pm, and useCase() finds it by name', () => {
    const config = PlatformConfig.sample();
    expect(config.useCases.map((u) => u.name)).toEqual(['weld-gun-pm']);
    expect(config.useCase('weld-gun-pm')?.repository).toBe('vw-mlops/weld-gun-pm');
    expect(config.useCase('paint-defect')).toBeUndefined();
  });

  test('a configuration without useCases has none (and does not write the key back)', () => {
    const props = PlatformConfig.sample().toJson();
    delete props.useCases;
    delete props.studio; // its users name the sample's use case
    const config = PlatformConfig.fromObject(props);
    expect(config.useCases).toEqual([]);
    expect(config.toJson().useCases).toBeUndefined();
  });

  test('two use cases with data filters validate and survive toJson', () => {
    const paint = {
      name: 'paint-defect',
      team: 'mlops-paint',
      repository: 'vw-mlops/paint-defect',
      deployBranch: 'release',
      dataAccess: [{ table: 'weld_readings', columns: ['plant_id', 'current_ka'], rowFilter: "plant_id IN ('wob')" }],
      monthlyBudgetUsd: 750,
    };
    const config = PlatformConfig.fromObject(withUseCases([weld, paint]));
    expect(config.toJson().useCases).toEqual([weld, paint]);
  });

  test('approvalEmails: the team\'s addresses for the approval notifications, validated and written back', () => {
    const paint = { name: 'paint-defect', team: 'mlops-paint', repository: 'vw-mlops/paint-defect', approvalEmails: ['paint-leads@example.com', 'qa@example.com'] };
    const config = PlatformConfig.fromObject(withUseCases([weld, paint]));
    expect(config.useCase('paint-defect')?.approvalEmails).toEqual(['paint-leads@example.com', 'qa@example.com']);
    expect(config.useCase('weld-gun-pm')?.approvalEmails).toBeUndefined();
    expect(config.toJson().useCases).toEqual([weld, paint]);
  });

  test('approvalEmails: each problem names its path and the fix', () => {
    const problems = PlatformConfig.validate(withUseCases([
      { ...weld, approvalEmails: 'leads@example.com' },
      { name: 'paint-defect', team: 'mlops-paint', repository: 'vw-mlops/paint-defect', approvalEmails: [] },
      { name: 'weld-gun', team: 'mlops-weld-gun', repository: 'vw-mlops/weld-gun', approvalEmails: ['leads@example.com', 'not an address', 42, 'Leads@example.com'] },
    ]));
    expect(problems).toEqual([
      'useCases[0].approvalEmails: must be a non-empty list of e-mail addresses, e.g. ["weld-gun-pm-leads@example.com"], not "leads@example.com"; or remove the key',
      'useCases[1].approvalEmails: must be a non-empty list of e-mail addresses, e.g. ["weld-gun-pm-leads@example.com"], not []; or remove the key',
      'useCases[2].approvalEmails[1]: "not an address" is not an e-mail address; write one address, e.g. "weld-gun-pm-leads@example.com"',
      'useCases[2].approvalEmails[2]: 42 is not an e-mail address; write one address, e.g. "weld-gun-pm-leads@example.com"',
      'useCases[2].approvalEmails[3]: "Leads@example.com" is listed twice; list each address once',
    ]);
  });

  test('not a list', () => {
    expect(PlatformConfig.validate(withUseCases({ name: 'x' }))).toEqual([
      'useCases: must be a list of use cases, each { "name", "team", "repository" }, not {"name":"x"}',
    ]);
  });

  test('every field is checked, each problem names its path and the fix', () => {
    const problems = PlatformConfig.validate(withUseCases([
      weld,
      { ...weld, repository: 'vw-mlops/other', team: 'x' },
      { name: 'Paint_Defect', team: '', repository: 'other-org/paint', deployBranch: 'feature/*', monthlyBudgetUsd: -5, colour: 'red' },
      { name: 'q', team: 't', repository: 'vw-mlops/weld-gun-pm' },
      { team: 't' },
    ]));
    expect(problems).toEqual([
      'useCases[1].name: "weld-gun-pm" is listed twice; each use case once',
      'useCases[2].colour: unknown key; allowed keys are name, team, repository, deployBranch, dataAccess, monthlyBudgetUsd, budgetNotificationEmail, approvalEmails',
      'useCases[2].name: "Paint_Defect" is not a use-case name; use 2 to 20 lowercase letters, digits and single hyphens, starting with a letter, for example "paint-defect"',
      'useCases[2].team: "" is not an IAM Identity Center group name; write the group\'s display name (1 to 128 characters), e.g. "mlops-weld-gun-pm"',
      'useCases[2].repository: "other-org/paint" is not in the organization "vw-mlops" of github.organization; write "vw-mlops/paint"',
      'useCases[2].deployBranch: "feature/*" is not a branch name the deploy role can trust exactly; write one branch without wildcards, e.g. "main"',
      'useCases[2].monthlyBudgetUsd: -5 is not a budget; write a positive number of US dollars, e.g. 500, or remove the key',
      'useCases[3].name: "q" is not a use-case name; use 2 to 20 lowercase letters, digits and single hyphens, starting with a letter, for example "q"',
      'useCases[3].repository: "vw-mlops/weld-gun-pm" is already the repository of useCases[0]; each use case has its own repository',
      'useCases[4].name: is required; add it, for example "name": "weld-gun-pm"',
      'useCases[4].repository: is required; add it, for example "repository": "vw-mlops/weld-gun-pm"',
    ]);
  });

  test('"platform" is reserved for the tag of the platform\'s own resources', () => {
    expect(PlatformConfig.validate(withUseCases([{ name: 'platform', team: 't', repository: 'vw-mlops/platform' }]))).toEqual([
      'useCases[0].name: "platform" is reserved: the platform\'s own resources carry the tag mlops:use-case=platform; choose another name, e.g. "platform-pm"',
    ]);
  });

  test('a repository with a wildcard or without owner is rejected', () => {
    expect(PlatformConfig.validate(withUseCases([{ ...weld, repository: 'vw-mlops/*' }]))).toEqual([
      'useCases[0].repository: "vw-mlops/*" is not a GitHub repository; write "owner/name" without wildcards, e.g. "vw-mlops/weld-gun-pm"',
    ]);
    expect(PlatformConfig.validate(withUseCases([{ ...weld, repository: 'weld-gun-pm' }]))).toHaveLength(1);
  });

  test('data access must name shared tables and shared columns, and a row filter without ";"', () => {
    const problems = PlatformConfig.validate(withUseCases([{
      ...weld,
      dataAccess: [
        { table: 'weld_reading', columns: ['gun_id'] },
        { table: 'weld_readings', columns: ['operator_badge', 'curent_ka'], rowFilter: "plant_id = 'wob'; DROP TABLE x" },
        { table: 'weld_readings', columns: [] },
      ],
    }]));
    expect(problems).toEqual([
      'useCases[0].dataAccess[0].table: "weld_reading" is not a table of dataShare.tables; did you mean "weld_readings"?',
      'useCases[0].dataAccess[1].columns[0]: "operator_badge" is not a shared column of "weld_readings"; its shared columns are weld_id, gun_id, plant_id, welded_at, current_ka, voltage_v, weld_time_ms, electrode_force_kn, welds_since_tip_dress, resistance_uohm, temperature_c',
      'useCases[0].dataAccess[1].columns[1]: "curent_ka" is not a shared column of "weld_readings"; did you mean "current_ka"?',
      'useCases[0].dataAccess[1].rowFilter: "plant_id = \'wob\'; DROP TABLE x" is not a row filter; write one PartiQL condition without ";" (at most 2,048 characters), e.g. "plant_id IN (\'wob\')", or remove the key for every row',
      'useCases[0].dataAccess[2].table: "weld_readings" is listed twice; one entry per table',
      'useCases[0].dataAccess[2].columns: must list at least one column the use case may read, not []',
    ]);
  });

  test('data access without dataShare says to add it', () => {
    const props = withUseCases([{ ...weld, dataAccess: [{ table: 't', columns: ['c'] }] }]);
    delete props.dataShare;
    expect(PlatformConfig.validate(props)).toEqual([
      'useCases[0].dataAccess: needs dataShare: the use case can only read tables that DATA shares; add dataShare, or remove dataAccess',
    ]);
  });
});
