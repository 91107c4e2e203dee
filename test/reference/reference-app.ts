/**
 * The reference app: the whole platform from `PlatformConfig.sample()` and one use case, `weld-gun-pm`,
 * with every extension on in every stage (inference API, scheduled batch inference, model monitoring with
 * model quality) and a fixed pinned model package version. It is the largest app the library builds
 * from built-in values, and needs no AWS account, no context and no files.
 *
 * Python builds the same app (`test/python/reference_app.py`); the parity test compares their templates.
 * Reuse it (compliance scanners, benchmarks) by calling `buildReferenceApp` on your own App, or write
 * its cloud assembly with `synth-reference.ts`.
 */
import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig, UseCaseStageSettings } from '../../src';

/** The use case of the reference app. */
export const REFERENCE_USE_CASE_NAME = 'weld-gun-pm';

/** The model package version every serving stage deploys (version 7 of the use case's group in EXP). */
export const REFERENCE_PINNED_MODEL_PACKAGE_ARN = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';

/** The batch inference schedule of every stage: daily at 03:00 UTC. */
export const REFERENCE_BATCH_SCHEDULE = 'cron(0 3 * * ? *)';

/** The construct ids of the platform and the use case under the App. */
export const REFERENCE_PLATFORM_ID = 'Platform';
/** The construct id of the use case under the App. */
export const REFERENCE_USE_CASE_ID = 'WeldGun';

/** What `buildReferenceApp` created. */
export interface ReferenceApp {
  /** The App it was built into. */
  readonly app: App;
  /** The six platform stacks. */
  readonly platform: MlopsPlatform;
  /** The five use-case stacks. */
  readonly useCase: MlopsUseCase;
}

/**
 * The settings of one stage: every extension its default serving mode supports on. DEV and INT scale to
 * zero (the default), which has no data capture: batch inference only; PROD is always on: every extension.
 * @param config the platform configuration
 * @param stage DEV, INT or PROD
 */
export function referenceStageSettings(_config: PlatformConfig, stage: PlatformAccount): UseCaseStageSettings {
  const batch = { batchInference: true, batchSchedule: REFERENCE_BATCH_SCHEDULE };
  if (stage !== PlatformAccount.PROD) return batch;
  return {
    ...batch,
    inferenceApi: true,
    modelMonitor: true,
    // model quality against labels in the location the serving stack creates (and its labelling role)
    modelQuality: true,
    // the quality alarm that is the drift alarm: going into ALARM starts retraining (on in PROD by default)
    minimumF1: 0.7,
  };
}

/**
 * Builds the reference app into `app`: `MlopsPlatform` ('Platform', six stacks) and `MlopsUseCase`
 * ('WeldGun', five stacks). Does not synthesize.
 * @param app the App to build into (an empty one: it needs no context)
 */
export function buildReferenceApp(app: App): ReferenceApp {
  const config = PlatformConfig.sample();
  const platform = new MlopsPlatform(app, REFERENCE_PLATFORM_ID, { config });
  const useCase = new MlopsUseCase(app, REFERENCE_USE_CASE_ID, {
    platform: config,
    useCaseName: REFERENCE_USE_CASE_NAME,
    pinnedModelPackageArn: REFERENCE_PINNED_MODEL_PACKAGE_ARN,
    dev: referenceStageSettings(config, PlatformAccount.DEV),
    int: referenceStageSettings(config, PlatformAccount.INT),
    prod: referenceStageSettings(config, PlatformAccount.PROD),
  });
  return { app, platform, useCase };
}

/** What `synthReferenceApp` returns. */
export interface ReferenceSynthResult extends ReferenceApp {
  /** The cloud assembly written to the output directory. */
  readonly assembly: CloudAssembly;
  /** Milliseconds to build the construct tree. */
  readonly buildMs: number;
  /** Milliseconds to synthesize it (aspects, validation, templates, assets). */
  readonly synthMs: number;
}

/**
 * Builds the reference app into a new App that writes to `outdir` and synthesizes it, timing both.
 * The caller empties `outdir` first if it wants no leftovers of an earlier run.
 * @param outdir the cloud assembly directory
 */
export function synthReferenceApp(outdir: string): ReferenceSynthResult {
  const start = Date.now();
  const reference = buildReferenceApp(new App({ outdir }));
  const built = Date.now();
  const assembly = reference.app.synth();
  return { ...reference, assembly, buildMs: built - start, synthMs: Date.now() - built };
}
