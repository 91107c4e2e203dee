import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsUseCase, PlatformConfig, ServingMode, UseCaseStageSettings } from '../../../src';
import { run } from '../../../src/runtime/cli/cli';
import { estimate, runsPerMonth } from '../../../src/runtime/cost/estimate';
import { defaultPriceTable, loadPriceTable, PriceTableError, regionPrices } from '../../../src/runtime/cost/prices';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const tags = (useCase?: string) => (useCase ? [{ Key: 'mlops:use-case', Value: useCase }] : []);

/** A cloud assembly of two stacks: a platform stack and a use case's serving stack. */
interface AssemblyOptions {
  readonly instanceType?: string;
  readonly extra?: Record<string, unknown>;
  readonly region?: string;
  readonly platformStackTags?: Record<string, string>;
}

function assembly(name: string, opts: AssemblyOptions = {}): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const platform = {
    Resources: {
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: [{ Ref: 'A' }, { Ref: 'B' }, { Ref: 'C' }] } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      UseCaseKey: { Type: 'AWS::KMS::Key', Properties: { Tags: tags('churn') } },
      ...opts.extra,
    },
  };
  const serving = {
    Resources: {
      Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ InstanceType: opts.instanceType ?? 'ml.m5.large', InitialInstanceCount: 2 }] } },
      Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } } },
      Def: { Type: 'AWS::SageMaker::DataQualityJobDefinition', Properties: { JobDefinitionName: 'dq', JobResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 } } } },
      Hourly: { Type: 'AWS::SageMaker::MonitoringSchedule', Properties: { MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'dq', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } } },
    },
  };
  fs.writeFileSync(path.join(dir, 'P.template.json'), JSON.stringify(platform));
  fs.writeFileSync(path.join(dir, 'S.template.json'), JSON.stringify(serving));
  const env = `aws://111111111111/${opts.region ?? 'eu-central-1'}`;
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      version: '36.0.0',
      artifacts: {
        P: { type: 'aws:cloudformation:stack', environment: env, properties: { templateFile: 'P.template.json', stackName: 'platform-dev', tags: opts.platformStackTags } },
        S: { type: 'aws:cloudformation:stack', environment: env, properties: { templateFile: 'S.template.json', stackName: 'churn-serving-dev', tags: { 'mlops:use-case': 'churn' } } },
      },
    }),
  );
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd: tmp });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('price table', () => {
  test('the shipped table is dated, says what it is and has eu-central-1', () => {
    const t = defaultPriceTable();
    expect(t.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.hoursPerMonth).toBe(730);
    expect(regionPrices(t, 'eu-central-1', '--region').note).toBe('list prices, eu-central-1');
    expect(regionPrices(t, 'eu-central-1', '--region').sagemakerHostingPerHour['ml.m5.large']).toBeGreaterThan(0);
  });

  test('an unknown region is an error naming the option and the regions the table has', () => {
    expect(() => regionPrices(defaultPriceTable(), 'ap-south-2', '--region')).toThrow(/--region ap-south-2: .*it has eu-central-1/);
  });

  test('a broken override names the field and the fix', () => {
    const file = path.join(tmp, 'broken.json');
    const t = JSON.parse(JSON.stringify(defaultPriceTable()));
    t.regions['eu-central-1'].perMonth['AWS::KMS::Key'] = 'one dollar';
    fs.writeFileSync(file, JSON.stringify(t));
    expect(() => loadPriceTable(file)).toThrow(PriceTableError);
    expect(() => loadPriceTable(file)).toThrow(/regions\.eu-central-1\.perMonth\.AWS::KMS::Key: "one dollar" is not a price/);
  });
});

describe('runsPerMonth', () => {
  test.each([
    ['cron(0 * ? * * *)', 730],
    ['cron(0 */6 ? * * *)', 730 / 6],
    ['cron(0 0 ? * * *)', 730 / 24],
    ['cron(0 0/6 ? * * *)', 730 / 6],
    ['cron(0 2/6 ? * * *)', (730 * 4) / 24],
    ['cron(0 3/6 ? * * *)', (730 * 4) / 24],
    ['cron(0 20/6 ? * * *)', 730 / 24],
    ['cron(0 3 ? * * *)', 730 / 24],
    ['NOW', undefined],
    ['cron(0 0 ? * MON *)', undefined],
    ['rate(1 hour)', undefined],
  ])('%s', (expression, runs) => {
    expect(runsPerMonth(expression, 730)).toBe(runs);
  });
});

describe('mlops-blueprint cost', () => {
  test('prices per stack and use case, attributes by tag and stack tag, projects N use cases', async () => {
    const r = await cli(['cost', '--app', assembly('basic'), '--use-cases', '10', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const p = regionPrices(defaultPriceTable(), 'eu-central-1', '');
    const platform = 1 + 3 * p.interfaceEndpointPerAzHour * 730;
    const churn = 1 + 2 * p.sagemakerHostingPerHour['ml.m5.large'] * 730 + 730 * (p.monitoringRunMinutes / 60) * p.sagemakerProcessingPerHour['ml.m5.xlarge'];
    expect(j.byOwner['(platform)']).toBeCloseTo(platform, 6);
    expect(j.byOwner.churn).toBeCloseTo(churn, 6);
    expect(j.projection.total).toBeCloseTo(platform + 10 * churn, 6);
    expect(j.unpriced).toEqual([]);
    expect(j.region).toBe('eu-central-1');
  });

  test('a stack tagged mlops:use-case=platform is the platform, not a use case', async () => {
    const plain = JSON.parse((await cli(['cost', '--app', assembly('untagged'), '--json'])).out);
    const tagged = JSON.parse((await cli(['cost', '--app', assembly('platform-tag', { platformStackTags: { 'mlops:use-case': 'platform' } }), '--json'])).out);
    expect(tagged.byOwner).toEqual(plain.byOwner);
    expect(Object.keys(tagged.byOwner).sort()).toEqual(['(platform)', 'churn']);
  });

  test('prints a "no price" line for each resource it cannot price, never counting it as 0', async () => {
    const dir = assembly('unpriced', { instanceType: 'ml.p5.48xlarge', extra: { Db: { Type: 'AWS::RDS::DBInstance', Properties: {} } } });
    const r = await cli(['cost', '--app', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no price: AWS::RDS::DBInstance (platform-dev/Db): not in the price table');
    expect(r.out).toContain('no price: AWS::SageMaker::Endpoint ml.p5.48xlarge (churn-serving-dev/Endpoint): no hosting price for this instance type');
    expect(r.out).toMatch(/No price \(2 resources, not counted\)/);
  });

  test('--prices replaces the shipped table', async () => {
    const t = JSON.parse(JSON.stringify(defaultPriceTable()));
    t.date = '2030-01-01';
    t.regions['eu-central-1'].perMonth['AWS::KMS::Key'] = 100;
    t.regions['eu-central-1'].interfaceEndpointPerAzHour = 0;
    const file = path.join(tmp, 'mine.json');
    fs.writeFileSync(file, JSON.stringify(t));
    const r = await cli(['cost', '--app', assembly('override'), '--prices', file, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.pricesDate).toBe('2030-01-01');
    expect(j.byOwner['(platform)']).toBe(100);
  });

  test('an unknown region is exit 1 naming --region and the table\'s regions', async () => {
    const r = await cli(['cost', '--app', assembly('region'), '--region', 'us-west-1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--region us-west-1: the price table \(\d{4}-\d{2}-\d{2}\) has no prices for it; it has eu-central-1/);
    const fromAssembly = await cli(['cost', '--app', assembly('region2', { region: 'sa-east-1' })]);
    expect(fromAssembly.code).toBe(1);
    expect(fromAssembly.err).toMatch(/region of the assembly's stacks, sa-east-1: .*it has eu-central-1/);
  });

  test('a directory that is no assembly and a bad --use-cases are usage errors', async () => {
    expect((await cli(['cost', '--app', tmp])).err).toMatch(/--app .*not a cloud assembly/);
    expect((await cli(['cost', '--app', assembly('n'), '--use-cases', 'many'])).err).toMatch(/--use-cases many: not a number/);
  });
});

describe('the per-stage monitoring cadence, priced', () => {
  const p = regionPrices(defaultPriceTable(), 'eu-central-1', '');
  /** USD a month of the monitoring schedules of each serving stack of a use case with the given stage settings. */
  function monitoringCost(dev: UseCaseStageSettings, int: UseCaseStageSettings, prod: UseCaseStageSettings): Record<string, number | undefined> {
    const uc = new MlopsUseCase(new App(), 'UseCase', {
      platform: PlatformConfig.sample(),
      useCaseName: 'weld-gun-pm',
      // monitoring needs an always-on endpoint (DEV and INT scale to zero by default, which refuses it)
      dev: { servingMode: ServingMode.ALWAYS_ON, ...dev },
      int: { servingMode: ServingMode.ALWAYS_ON, ...int },
      prod,
      pinnedModelPackageArn: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7',
    });
    const stacks = [uc.dev, uc.int, uc.prod].map((s: Stack) => ({ name: s.stackName, region: s.region, tags: { 'mlops:use-case': 'weld-gun-pm' }, template: Template.fromStack(s).toJSON() }));
    const result = estimate(stacks, p, 730);
    expect(result.unpriced).toEqual([]);
    const byStage: Record<string, number | undefined> = {};
    for (const s of result.stacks) {
      const runs = s.items['AWS::SageMaker::MonitoringSchedule (runs)'];
      const stage = s.stack.replace('vwml-weld-gun-pm-serving-', '');
      if (runs !== undefined) byStage[stage] = (byStage[stage] ?? 0) + runs;
    }
    return byStage;
  }
  const oneRun = (p.monitoringRunMinutes / 60) * p.sagemakerProcessingPerHour['ml.m5.large'];

  test('the default: daily data and model quality in DEV and INT, hourly data quality in PROD, on ml.m5.large', () => {
    const on = { modelMonitor: true, groundTruthS3Uri: 's3://vwml-gt/weld-gun-pm/' };
    const cost = monitoringCost(on, on, on);
    expect(cost.dev).toBeCloseTo(2 * (730 / 24) * oneRun, 6);
    expect(cost.int).toBeCloseTo(2 * (730 / 24) * oneRun, 6);
    expect(cost.prod).toBeCloseTo((730 + 730 / 24) * oneRun, 6);
    // PROD's monitoring is below what hourly monitoring on ml.m5.xlarge cost before
    expect(cost.prod!).toBeLessThan((730 + 730 / 24) * (p.monitoringRunMinutes / 60) * p.sagemakerProcessingPerHour['ml.m5.xlarge']);
  });

  test('off costs nothing, every 6 hours from hour 2 is 4 runs a day, a larger instance its own price', () => {
    const cost = monitoringCost(
      { modelMonitor: true, monitoringSchedule: 'off' },
      { modelMonitor: true, monitoringSchedule: 'cron(0 2/6 ? * * *)' },
      { modelMonitor: true, monitoringInstanceType: 'ml.m5.xlarge' },
    );
    expect(cost.dev).toBeUndefined();
    expect(cost.int).toBeCloseTo(4 * (730 / 24) * oneRun, 6);
    expect(cost.prod).toBeCloseTo(730 * (p.monitoringRunMinutes / 60) * p.sagemakerProcessingPerHour['ml.m5.xlarge'], 6);
  });
});

describe('scale-to-zero endpoints (inference components on managed instance scaling)', () => {
  const prices = regionPrices(defaultPriceTable(), 'eu-central-1', '--region');
  const hours = 730;
  const stack = (variant: Record<string, unknown>) => ({
    name: 'churn-serving-dev',
    region: 'eu-central-1',
    tags: { 'mlops:use-case': 'churn' },
    template: {
      Resources: {
        Config: { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'AllTraffic', InitialInstanceCount: 1, ...variant }] } },
        Endpoint: { Type: 'AWS::SageMaker::Endpoint', Properties: { EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] } } },
        Component: { Type: 'AWS::SageMaker::InferenceComponent', Properties: { EndpointName: { 'Fn::GetAtt': ['Endpoint', 'EndpointName'] } } },
      },
    },
  });

  test('MinInstanceCount 0 costs nothing idle, although the endpoint starts with one instance; the component is no "no price" line', () => {
    const e = estimate([stack({ InstanceType: 'ml.m5.large', ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 } })], prices, hours);
    expect(e.unpriced).toEqual([]);
    expect(e.byOwner.churn).toBe(0);
    expect(e.stacks[0].items).toEqual({ 'AWS::SageMaker::Endpoint (scales to zero: no instance when idle)': 0, '(zero when idle)': 0 });
  });

  test('managed instance scaling keeps MinInstanceCount instances idle; without it, InitialInstanceCount', () => {
    const managed = estimate([stack({ InstanceType: 'ml.m5.large', ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 2, MaxInstanceCount: 4 } })], prices, hours);
    expect(managed.byOwner.churn).toBeCloseTo(2 * prices.sagemakerHostingPerHour['ml.m5.large'] * hours, 6);
    const disabled = estimate([stack({ InstanceType: 'ml.m5.large', ManagedInstanceScaling: { Status: 'DISABLED', MinInstanceCount: 0 } })], prices, hours);
    expect(disabled.byOwner.churn).toBeCloseTo(prices.sagemakerHostingPerHour['ml.m5.large'] * hours, 6);
  });

  test('an instance type without a price stays a "no price" line, also when it scales to zero', () => {
    const e = estimate([stack({ InstanceType: 'ml.p5.48xlarge', ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 1 } })], prices, hours);
    expect(e.unpriced).toEqual([{ stack: 'churn-serving-dev', logicalId: 'Endpoint', type: 'AWS::SageMaker::Endpoint ml.p5.48xlarge', reason: 'no hosting price for this instance type' }]);
  });
});
