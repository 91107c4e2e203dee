/**
 * Scale: the platform app with 100 onboarded use cases (generated `useCases` entries), each with 3 Studio
 * users, stays within CloudFormation's per-stack limits (500 resources, 1 MB template). Only the platform
 * is synthesized (not 100 use-case apps): the onboarding stacks of every use case are created by the
 * platform, and hold the Studio user profiles of the use case (about 10 resources each).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { MlopsPlatform, PlatformConfig } from '../../src';
import { collectOnly } from '../setup/collect-templates';

const USE_CASES = 100;
const STUDIO_USERS_PER_USE_CASE = 3;
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;

/**
 * The sample configuration with `count` generated use cases (`uc-001` ...), each like the sample's, and
 * `usersPerUseCase` Studio users on each (`uc-001-ds-1` ...), like the sample's first user.
 */
export function configWithUseCases(count: number, usersPerUseCase = STUDIO_USERS_PER_USE_CASE): PlatformConfig {
  const sample = PlatformConfig.sample().toJson() as any;
  const template = sample.useCases[0];
  const useCases = Array.from({ length: count }, (_, i) => {
    const name = `uc-${String(i + 1).padStart(3, '0')}`;
    return { ...template, name, team: `mlops-${name}`, repository: `${sample.github.organization}/${name}` };
  });
  const users = useCases.flatMap((u) => Array.from({ length: usersPerUseCase }, (_, i) => ({
    ...sample.studio.users[0], userProfileName: `${u.name}-ds-${i + 1}`, useCase: u.name,
  })));
  return PlatformConfig.fromObject({ ...sample, useCases, studio: { ...sample.studio, users } });
}

// cfn-lint sees the platform stacks and the onboarding stacks of the first and the last use case: the other 98
// are the same resources under other names (half of all resources cfn-lint checked before, none a new shape)
collectOnly((stackName) => !/-uc-\d{3}-onboarding-/.test(stackName) || /-uc-(001|100)-onboarding-/.test(stackName));

test(`the platform with ${USE_CASES} onboarded use cases and ${STUDIO_USERS_PER_USE_CASE} Studio users each stays within the stack limits`, () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenancy-scale-'));
  try {
    const started = Date.now();
    const app = new App({ outdir });
    const platform = new MlopsPlatform(app, 'Platform', { config: configWithUseCases(USE_CASES) });
    const assembly = app.synth();
    const seconds = (Date.now() - started) / 1000;
    const rows: { stack: string; resources: number; bytes: number }[] = assembly.stacksRecursively.map((s) => ({
      stack: s.stackName,
      resources: Object.keys(s.template.Resources ?? {}).length,
      bytes: fs.statSync(path.join(outdir, s.templateFile)).size,
    }));
    const onboardingStacks = platform.useCases.reduce((n, u) => n + u.stacks.length, 0);
    // eslint-disable-next-line no-console
    console.log(`scale: ${USE_CASES} use cases, ${rows.length} stacks (${onboardingStacks} onboarding) synthesized in ${seconds.toFixed(1)} s; largest: `
      + [...rows].sort((a, b) => b.resources - a.resources).slice(0, 3).map((r) => `${r.stack} ${r.resources} resources ${(r.bytes / 1000).toFixed(0)} KB`).join(', '));
    // every use case is onboarded (its onboarding stacks appear as the onboarding gets roles and keys)
    expect(platform.useCases.map((u) => u.useCase.name)).toHaveLength(USE_CASES);
    expect(rows.length).toBe(6 + onboardingStacks);
    // every Studio profile is in its use case's EXP onboarding stack, none in the EXP platform stack
    expect(Object.keys(platform.exp.profiles)).toEqual([]);
    expect(Object.keys(platform.studioProfiles)).toHaveLength(USE_CASES * STUDIO_USERS_PER_USE_CASE);
    expect(rows.filter((r) => r.resources > MAX_RESOURCES || r.bytes > MAX_TEMPLATE_BYTES)).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 600_000);
