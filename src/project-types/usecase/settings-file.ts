import { ServingMode } from '../../blueprint/usecase/serving-mode';

/** The values of the generated settings file (`src/usecase-settings.ts`). @internal */
export interface SettingsFileValues {
  readonly useCaseName: string;
  readonly platformConfigFile: string;
  readonly source?: object;
  readonly dev: object;
  readonly int: object;
  readonly prod: object;
  readonly githubDeployRoleArn: string;
  readonly mlPythonVersion: string;
}

/** TypeScript source written as is (an enum member), not as a string literal. */
class SourceText {
  constructor(public readonly text: string) {}
}

/** A value as TypeScript source in the style of projen's eslint rules (single quotes, trailing commas). */
function literal(value: unknown, indent: string): string {
  if (value === undefined) return 'undefined';
  if (value instanceof SourceText) return value.text;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : literal(k, inner));
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join('\n')}\n${indent}}`;
}

/**
 * The lines of `src/usecase-settings.ts`: the options of `.projenrc.ts` that the CDK app (`src/main.ts`)
 * and the local pipeline run read.
 * @param marker projen's marker comment text
 * @param packageName the name of this package (the import)
 * @param values the settings
 * @internal
 */
export function settingsFileLines(marker: string, packageName: string, values: SettingsFileValues): string[] {
  // a serving mode is an enum member in TypeScript, not its string value
  let usesServingMode = false;
  const stage = (settings: object): object => {
    const mode = (settings as { servingMode?: unknown }).servingMode;
    if (typeof mode !== 'string') return settings;
    const member = Object.entries(ServingMode).find(([, v]) => v === mode)?.[0];
    if (member === undefined) return settings;
    usesServingMode = true;
    return { ...settings, servingMode: new SourceText(`ServingMode.${member}`) };
  };
  const settings = literal({
    useCaseName: values.useCaseName,
    platformConfigFile: values.platformConfigFile,
    source: values.source,
    dev: stage(values.dev),
    int: stage(values.int),
    prod: stage(values.prod),
    githubDeployRoleArn: values.githubDeployRoleArn,
    mlPythonVersion: values.mlPythonVersion,
  }, '');
  return [
    `// ${marker}`,
    `import { ${usesServingMode ? 'ServingMode, ' : ''}UseCaseSourceProps, UseCaseStageSettings } from '${packageName}';`,
    '',
    '/** The settings of this use case: the options of MlopsUseCaseProject in .projenrc.ts. */',
    'export interface UseCaseSettings {',
    '  /** The use-case name: part of every stack, endpoint, bucket and model package group name. */',
    '  readonly useCaseName: string;',
    '  /** The platform configuration file, relative to the repository root. */',
    '  readonly platformConfigFile: string;',
    '  /** Where the deployment pipeline in RES gets this repository from (undefined: an S3 source bucket). */',
    '  readonly source?: UseCaseSourceProps;',
    '  /** The serving settings of DEV. */',
    '  readonly dev: UseCaseStageSettings;',
    '  /** The serving settings of INT. */',
    '  readonly int: UseCaseStageSettings;',
    '  /** The serving settings of PROD. */',
    '  readonly prod: UseCaseStageSettings;',
    '  /** The role GitHub Actions assumes in EXP (OIDC) to deploy the training stack and start the pipeline. */',
    '  readonly githubDeployRoleArn: string;',
    '  /** The Python version of the ML code. */',
    '  readonly mlPythonVersion: string;',
    '}',
    '',
    '/** The settings of this use case. */',
    `export const SETTINGS: UseCaseSettings = ${settings};`,
    '',
  ];
}
