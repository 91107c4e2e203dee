/**
 * The reference app of the checks and benchmarks: the platform of the sample configuration
 * (`PlatformConfig.sample()`) plus use cases with every extension on in DEV, INT and PROD.
 *
 * A stand-in until `test/reference/reference-app.ts` lands on main; it builds the same thing.
 * The library is loaded from `src/` (through ts-node) or, with `BENCH_LIB=1`, from the compiled `lib/`.
 */
import * as path from 'path';
import type { App } from 'aws-cdk-lib';

type Library = typeof import('../src');

/** The library: the compiled `lib/` when `BENCH_LIB=1`, else the TypeScript sources. */
export function library(): Library {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return process.env.BENCH_LIB === '1' ? require(path.join(__dirname, '..', 'lib')) : require('../src');
}

/** The model version every serving stack deploys (the deployment pipeline passes it as context). */
export const PINNED_MODEL_PACKAGE_ARN = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';

/** Every extension of a serving stage on. */
export const ALL_EXTENSIONS = {
  inferenceApi: true,
  batchInference: true,
  batchSchedule: 'rate(1 day)',
  modelMonitor: true,
  groundTruthS3Uri: 's3://vwml-gt/weld-gun-pm/',
};

/** Options of `buildReferenceApp`. */
export interface ReferenceAppOptions {
  /** The cloud assembly directory. @default - the CDK default (a temp dir or CDK_OUTDIR) */
  readonly outdir?: string;
  /** The use-case names. @default ['weld-gun-pm'] */
  readonly useCaseNames?: string[];
}

/** The platform and the use cases, each with every extension, in one App (not yet synthesized). */
export function buildReferenceApp(options: ReferenceAppOptions = {}): App {
  const lib = library();
  // aws-cdk-lib from the same resolution as the library, so that constructs share one App class
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App: AppClass } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const app = new AppClass({
    outdir: options.outdir,
    context: { pinnedModelPackageArn: PINNED_MODEL_PACKAGE_ARN },
  });
  const config = lib.PlatformConfig.sample();
  new lib.MlopsPlatform(app, 'Platform', { config });
  for (const name of options.useCaseNames ?? ['weld-gun-pm']) {
    new lib.MlopsUseCase(app, `UseCase-${name}`, {
      platform: config,
      useCaseName: name,
      dev: ALL_EXTENSIONS,
      int: ALL_EXTENSIONS,
      prod: ALL_EXTENSIONS,
    });
  }
  return app;
}
