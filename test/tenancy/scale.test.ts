/**
 * Scale: the platform app with 100 onboarded use cases (generated `useCases` entries) stays within
 * CloudFormation's per-stack limits (500 resources, 1 MB template). Only the platform is synthesized
 * (not 100 use-case apps): the onboarding stacks of every use case are created by the platform.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { MlopsPlatform, PlatformConfig } from '../../src';

const USE_CASES = 100;
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;

/** The sample configuration with `count` generated use cases (`uc-001` ...), each like the sample's. */
export function configWithUseCases(count: number): PlatformConfig {
  const sample = PlatformConfig.sample().toJson() as any;
  const template = sample.useCases[0];
  const useCases = Array.from({ length: count }, (_, i) => {
    const name = `uc-${String(i + 1).padStart(3, '0')}`;
    return { ...template, name, team: `mlops-${name}`, repository: `${sample.github.organization}/${name}` };
  });
  // the sample's data scientists work on the first use cases
  const users = sample.studio.users.map((user: object, i: number) => ({ ...user, useCase: useCases[i % count].name }));
  return PlatformConfig.fromObject({ ...sample, useCases, studio: { ...sample.studio, users } });
}

test(`the platform with ${USE_CASES} onboarded use cases stays within the stack limits`, () => {
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
    expect(rows.filter((r) => r.resources > MAX_RESOURCES || r.bytes > MAX_TEMPLATE_BYTES)).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 600_000);
