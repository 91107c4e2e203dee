/**
 * The app of the synthesis benchmark: the platform of the sample configuration (`PlatformConfig.sample()`)
 * plus N use cases, each built like the reference app's use case (test/reference/reference-app.ts): every
 * extension on in DEV, INT and PROD (inference API, scheduled batch inference, model monitoring with
 * model quality) and a pinned model package version. With the single use case `weld-gun-pm` it is the
 * reference app.
 *
 * The library is loaded from `src/` (through ts-node) or, with `BENCH_LIB=1`, from the compiled `lib/`,
 * which is why this does not import test/reference (that imports `src/`).
 */
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import type { PlatformAccount } from '../src';

type Library = typeof import('../src');

/** The library: the compiled `lib/` when `BENCH_LIB=1`, else the TypeScript sources. */
export function library(): Library {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return process.env.BENCH_LIB === '1' ? require(path.join(__dirname, '..', 'lib')) : require('../src');
}

/** The batch inference schedule of every stage (as in the reference app): daily at 03:00 UTC. */
export const BATCH_SCHEDULE = 'cron(0 3 * * ? *)';

/** Options of `buildBenchApp`. */
export interface BenchAppOptions {
  /** The cloud assembly directory. @default - the CDK default (a temp dir or CDK_OUTDIR) */
  readonly outdir?: string;
  /** The use-case names. @default ['weld-gun-pm'] */
  readonly useCaseNames?: string[];
}

/** The platform and the use cases, each with every extension, in a new App (not yet synthesized). */
export function buildBenchApp(options: BenchAppOptions = {}): App {
  const lib = library();
  // aws-cdk-lib from the same resolution as the library, so that the constructs share one App class
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App: AppClass } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const app = new AppClass({ outdir: options.outdir });
  const names = options.useCaseNames ?? ['weld-gun-pm'];
  // every use case is onboarded: listed in `useCases` like the sample's entry
  const sample = lib.PlatformConfig.sample().toJson();
  const entry = sample.useCases[0];
  const config = lib.PlatformConfig.fromObject({
    ...sample,
    useCases: names.map((name) => (name === entry.name ? entry : { ...entry, name, team: `mlops-${name}`, repository: `${sample.github.organization}/${name}` })),
    // the sample's data scientists, each on one of the use cases (in turn)
    studio: {
      ...sample.studio,
      users: (sample.studio?.users ?? []).map((user: object, i: number) => ({ ...user, useCase: names[i % names.length] })),
    },
  });
  new lib.MlopsPlatform(app, 'Platform', { config });
  // every extension in every stage: DEV and INT always on too (their default, scale to zero, has no capture, monitor or API)
  const stage = (account: PlatformAccount, useCaseName: string) => ({
    servingMode: lib.ServingMode.ALWAYS_ON,
    inferenceApi: true,
    batchInference: true,
    batchSchedule: BATCH_SCHEDULE,
    modelMonitor: true,
    groundTruthS3Uri: `s3://${config.prefix}-ground-truth-${config.account(account).accountId}/${useCaseName}/`,
  });
  // the pinned version lives in the use case's model package group in EXP (version 7, as in the reference app)
  const exp = config.account(lib.PlatformAccount.EXP);
  for (const name of names) {
    new lib.MlopsUseCase(app, `UseCase-${name}`, {
      platform: config,
      useCaseName: name,
      pinnedModelPackageArn: `arn:aws:sagemaker:${exp.region}:${exp.accountId}:model-package/${config.prefix}-${name}/7`,
      dev: stage(lib.PlatformAccount.DEV, name),
      int: stage(lib.PlatformAccount.INT, name),
      prod: stage(lib.PlatformAccount.PROD, name),
    });
  }
  return app;
}
