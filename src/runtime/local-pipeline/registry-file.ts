/**
 * The local model registry: a JSON list of the model versions that RegisterModel steps registered on
 * this machine, with each version's model artifact and metrics files copied beside the list (so a
 * later run cannot overwrite what an earlier version registered).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Json } from './definition';
import { StepFailure } from './errors';
import { copyInto, writeFileAtomic } from './files';

/** The approval statuses of a model package. */
export const MODEL_APPROVAL_STATUSES = ['PendingManualApproval', 'Approved', 'Rejected'];

/** A container of a registered version. */
export interface LocalRegistryContainer {
  /** `Image`. */
  readonly image: string | null;
  /** `ModelDataUrl`: the copied model artifact (or the URI as given when it is not a local file). */
  readonly modelDataUrl: string | null;
}

/** One registered version (one entry of the registry file). */
export interface LocalRegistryEntry {
  /** `ModelPackageGroupName`. */
  readonly modelPackageGroupName: string;
  /** 1 for the group's first version, then the highest version of the group + 1. */
  readonly modelPackageVersion: number;
  /** `arn:aws:sagemaker:local:000000000000:model-package/<group>/<version>` (not a real ARN). */
  readonly modelPackageArn: string;
  /** `ModelApprovalStatus` (`PendingManualApproval` when the step does not set it). */
  readonly approvalStatus: string;
  /** The first container's image. */
  readonly image: string | null;
  /** The first container's model artifact (the copy in the registry folder). */
  readonly modelDataUrl: string | null;
  /** Every container. */
  readonly containers: readonly LocalRegistryContainer[];
  /** The model-quality statistics file (`ModelMetrics.ModelQuality.Statistics`), copied; or the first metrics file. */
  readonly metricsFile: string | null;
  /** The values that `Std:JsonGet` read during the run before this registration (`path` -> value). */
  readonly metrics: Readonly<Record<string, Json>>;
  /** When it was registered (ISO 8601). */
  readonly registeredAt: string;
  /** The SHA-256 of the pipeline definition file. */
  readonly definitionSha256: string;
  /** The local execution id. */
  readonly pipelineExecutionId: string;
  /** The RegisterModel step. */
  readonly stepName: string;
}

/** What a RegisterModel step registers. */
export interface Registration {
  readonly group: string;
  readonly approvalStatus: string;
  readonly containers: readonly LocalRegistryContainer[];
  readonly metricsFile: string | null;
  readonly metrics: Readonly<Record<string, Json>>;
  readonly registeredAt: string;
  readonly definitionSha256: string;
  readonly pipelineExecutionId: string;
  readonly stepName: string;
}

/** Reads the registry file; an absent file is an empty registry. */
export function readRegistry(file: string): LocalRegistryEntry[] {
  if (!fs.existsSync(file)) return [];
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new StepFailure(`the local registry ${file} is not JSON (${(e as Error).message}); move it away or pass --registry`);
  }
  const valid = Array.isArray(json) && json.every((x) => x && typeof x.modelPackageGroupName === 'string' && Number.isInteger(x.modelPackageVersion));
  if (!valid) throw new StepFailure(`the local registry ${file} is not a list of registered versions written by "pipeline local"; move it away or pass --registry`);
  return json as LocalRegistryEntry[];
}

/**
 * Adds a version to the registry: the next version number of the group, the model artifacts and the
 * metrics file copied to `<registry file without .json>/<group>/<version>/`, the list rewritten
 * atomically.
 */
export function register(file: string, r: Registration): LocalRegistryEntry {
  const entries = readRegistry(file);
  const version = 1 + entries.filter((e) => e.modelPackageGroupName === r.group).reduce((max, e) => Math.max(max, e.modelPackageVersion), 0);
  const store = path.join(path.dirname(file), path.basename(file, '.json'), r.group, String(version));
  fs.rmSync(store, { recursive: true, force: true });
  const keep = (source: string | null, sub: string): string | null => {
    if (source === null || !path.isAbsolute(source) || !fs.existsSync(source) || !fs.statSync(source).isFile()) return source;
    const dir = path.join(store, sub);
    copyInto(source, dir);
    return path.join(dir, path.basename(source));
  };
  const containers = r.containers.map((c, i) => ({ image: c.image, modelDataUrl: keep(c.modelDataUrl, r.containers.length > 1 ? `model-${i}` : 'model') }));
  const entry: LocalRegistryEntry = {
    modelPackageGroupName: r.group,
    modelPackageVersion: version,
    modelPackageArn: `arn:aws:sagemaker:local:000000000000:model-package/${r.group}/${version}`,
    approvalStatus: r.approvalStatus,
    image: containers[0]?.image ?? null,
    modelDataUrl: containers[0]?.modelDataUrl ?? null,
    containers,
    metricsFile: keep(r.metricsFile, 'metrics'),
    metrics: r.metrics,
    registeredAt: r.registeredAt,
    definitionSha256: r.definitionSha256,
    pipelineExecutionId: r.pipelineExecutionId,
    stepName: r.stepName,
  };
  writeFileAtomic(file, JSON.stringify([...entries, entry], undefined, 2) + '\n');
  return entry;
}
