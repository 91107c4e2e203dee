/**
 * Parity of the local run with the images of the steps, checked before any step runs:
 *
 * - steps on the use case's own image (built from `ml/Dockerfile`): the Dockerfile's base Python
 *   minor is the local interpreter's, the Dockerfile installs exactly the requirements file, and the
 *   local interpreter has every requirement at its pinned version;
 * - steps on an AWS framework image: the image's Python is at least what the step's code needs (vermin).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseDockerfile, pythonOfImage } from './dockerfile';
import { FrameworkImagePython, looksLikeFrameworkImage } from './framework';
import { compareInstalled, INSTALLED_DISTRIBUTIONS_SCRIPT, parseRequirements } from './requirements';
import { runVermin, VerminFile, versionLess } from './vermin';
import { frameworkImagePython } from '../../../constructs/training/framework-image-python';
import { NOT_CODE } from '../files';

/** A step that runs a process, as the parity check sees it. */
export interface ParityStep {
  readonly name: string;
  /** The resolved image URI; undefined when it cannot be known before the run. */
  readonly image?: string;
  /** The step's code: script files and folders (absolute). */
  readonly code: readonly string[];
}

/** The inputs of the parity check. Paths are absolute. */
export interface ParityOptions {
  readonly dockerfile: string;
  /** @default - requirements.txt beside the Dockerfile */
  readonly requirementsFile?: string;
  /** The local interpreter (command) and its version (`3.11.7`). */
  readonly python: string;
  readonly pythonVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly steps: readonly ParityStep[];
  /** @default - the framework image catalogue generated from the SageMaker Python SDK (frameworkImagePython) */
  readonly frameworkImagePython?: FrameworkImagePython;
  /** How a path is shown in messages. */
  readonly shown: (p: string) => string;
}

/** The problems; empty when the images can run the code as it runs here. */
export function checkParity(o: ParityOptions): string[] {
  const lookup = o.frameworkImagePython ?? frameworkImagePython;
  const isFramework = (image: string) => lookup(image) !== undefined || looksLikeFrameworkImage(image);
  const framework = o.steps.filter((s) => s.image !== undefined && isFramework(s.image));
  const own = o.steps.filter((s) => !framework.includes(s));
  return [
    ...(own.length > 0 ? checkOwnImage(o, lookup) : []),
    ...checkFrameworkSteps(o, framework, lookup),
  ];
}

/** The image name without registry and digest: `python:3.11-slim`. */
function shortImage(image: string): string {
  const noDigest = image.split('@')[0];
  return noDigest.slice(noDigest.lastIndexOf('/') + 1);
}

function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function checkOwnImage(o: ParityOptions, lookup: FrameworkImagePython): string[] {
  const df = o.shown(o.dockerfile);
  const requirementsFile = o.requirementsFile ?? path.join(path.dirname(o.dockerfile), 'requirements.txt');
  const req = o.shown(requirementsFile);
  const python = o.shown(o.python);
  if (!fs.existsSync(o.dockerfile)) return [`the Dockerfile ${df} does not exist: pass --dockerfile PATH (the file the use case's image is built from)`];
  const problems: string[] = [];
  const facts = parseDockerfile(fs.readFileSync(o.dockerfile, 'utf-8'));

  if (facts.baseImage === undefined || facts.baseImage === '') {
    problems.push(`${df} has no FROM: build on an official Python image, e.g. FROM python:${minor(o.pythonVersion)}-slim`);
  } else {
    const base = facts.baseImage;
    const basePython = pythonOfImage(base) ?? lookup(base);
    if (basePython === undefined) {
      problems.push(`${df} builds on ${base} (${facts.baseLine}), whose Python version is not in its name: build on an official Python image whose tag names the minor version, `
        + 'e.g. ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim@sha256:<digest> then FROM ${BASE_IMAGE}');
    } else if (basePython !== minor(o.pythonVersion)) {
      problems.push(`${df} builds on Python ${basePython} (${shortImage(base)}), the local run uses Python ${o.pythonVersion} (${python}): `
        + `run with a Python ${basePython} interpreter (--python or MLOPS_PYTHON; recreate the venv with it) or build on Python ${minor(o.pythonVersion)}`);
    }
  }

  const wanted = path.basename(requirementsFile);
  let installsRequirements = false;
  for (const install of facts.pipInstalls) {
    for (const file of install.requirementFiles) {
      if (path.posix.basename(file) === wanted) installsRequirements = true;
      else problems.push(`${df} line ${install.line} installs -r ${file}, which is not ${req}: the image installs exactly ${req}`);
    }
    for (const pkg of install.packages.filter((p) => p !== 'pip')) {
      problems.push(`${df} line ${install.line} installs ${pkg} beside ${req}: put it in ${req} (name==version), so that the local run has it too, and install only -r ${wanted}`);
    }
  }
  if (!installsRequirements) {
    problems.push(`${df} does not install ${req}: add COPY ${wanted} . and RUN pip install --no-cache-dir -r ${wanted}`);
  }

  if (!fs.existsSync(requirementsFile)) {
    problems.push(`the requirements file ${req} does not exist: pass --requirements PATH (the file ${df} installs)`);
    return problems;
  }
  const parsed = parseRequirements(fs.readFileSync(requirementsFile, 'utf-8'));
  problems.push(...parsed.problems.map((p) => `${req} ${p}`));
  let installed: Record<string, string>;
  try {
    installed = JSON.parse(execFileSync(o.python, ['-c', INSTALLED_DISTRIBUTIONS_SCRIPT], {
      env: o.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
    }).toString());
  } catch (e) {
    problems.push(`cannot list the distributions installed in ${python} (${(e as Error).message.split('\n')[0]})`);
    return problems;
  }
  problems.push(...compareInstalled(parsed.requirements, installed, { requirementsFile: req, python }));
  return problems;
}

function checkFrameworkSteps(o: ParityOptions, steps: readonly ParityStep[], lookup: FrameworkImagePython): string[] {
  const problems: string[] = [];
  const known: { step: ParityStep; python: string; files: string[] }[] = [];
  for (const s of steps) {
    const python = lookup(s.image!);
    if (python === undefined) {
      problems.push(`step "${s.name}": image ${s.image} is an AWS framework image whose Python is not known here: use the use case's image (${o.shown(o.dockerfile)})`);
    } else {
      known.push({ step: s, python, files: s.code.flatMap(pythonFiles) });
    }
  }
  const allFiles = [...new Set(known.flatMap((k) => k.files))];
  if (allFiles.length === 0) return problems;
  const vermin = runVermin(o.python, allFiles, o.env);
  if ('missing' in vermin) {
    const names = known.map((k) => `"${k.step.name}"`).join(', ');
    return [...problems, `vermin is not installed (neither ${o.shown(o.python)} -m vermin nor vermin on the PATH), and it finds the minimum Python of the code of step ${names}, `
      + 'which runs on a framework image: add vermin==1.9.2 to ml/requirements-dev.txt and install it (npx projen ml:install), or pip install vermin'];
  }
  if ('problem' in vermin) return [...problems, vermin.problem];
  for (const k of known) {
    const needs = neededPython(k.files, vermin.files);
    for (const e of needs.errors) problems.push(`step "${k.step.name}": vermin cannot read ${o.shown(e.file)} (${e.error}), so the Python it needs is unknown`);
    if (needs.minimum !== undefined && versionLess(k.python, needs.minimum)) {
      const code = k.step.code.map(o.shown).join(', ');
      const why = needs.file ? `: ${o.shown(needs.file)}:${needs.reason}` : '';
      problems.push(`step "${k.step.name}": image ${k.step.image} has Python ${k.python}, the code in ${code} needs Python ≥${needs.minimum} (vermin${why}): `
        + `use the use case's image (${o.shown(o.dockerfile)}) or a framework image with Python ≥${needs.minimum}`);
    }
  }
  return problems;
}

/** The highest minimum over the files, the first file that needs it and why. */
function neededPython(files: readonly string[], found: ReadonlyMap<string, VerminFile>) {
  let minimum: string | undefined;
  let file: string | undefined;
  let reason: string | undefined;
  const errors: { file: string; error: string }[] = [];
  for (const f of files) {
    const r = found.get(f);
    if (!r) continue;
    if (r.error) errors.push({ file: f, error: r.error });
    if (r.minimum !== undefined && (minimum === undefined || versionLess(minimum, r.minimum))) {
      minimum = r.minimum;
      file = f;
      reason = r.reason;
    }
  }
  return { minimum, file, reason, errors };
}

/** The Python files of a script or folder (without venvs and caches), sorted. */
export function pythonFiles(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return [p];
  const out: string[] = [];
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    if (e.isDirectory() && !NOT_CODE.includes(e.name)) out.push(...pythonFiles(path.join(p, e.name)));
    else if (e.isFile() && e.name.endsWith('.py')) out.push(path.join(p, e.name));
  }
  return out.sort();
}
