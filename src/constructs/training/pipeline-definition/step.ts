import { deepMerge } from './common';
import { PipelineValue } from './value';

/** Options every step takes. */
export interface PipelineStepOptions {
  /**
   * The step's display name (`DisplayName`).
   * @default - none
   */
  readonly displayName?: string;
  /**
   * The step's description (`Description`).
   * @default - none
   */
  readonly description?: string;
  /**
   * Steps that must finish before this one starts (`DependsOn`), in addition to the steps whose
   * properties this step references (those are dependencies already).
   * @default - none
   */
  readonly dependsOn?: PipelineStep[];
}

/** The step types, as the definition writes them. @internal */
export enum StepType {
  PROCESSING = 'Processing',
  TRAINING = 'Training',
  TUNING = 'Tuning',
  TRANSFORM = 'Transform',
  CREATE_MODEL = 'Model',
  REGISTER_MODEL = 'RegisterModel',
  CONDITION = 'Condition',
  FAIL = 'Fail',
  LAMBDA = 'Lambda',
}

/**
 * A step of a SageMaker pipeline. Use the concrete steps (`ProcessingStep`, `TrainingStep`, ...);
 * this class is not meant to be extended outside this library.
 */
export abstract class PipelineStep {
  /** The step's name (`Name`), unique in the pipeline: `[A-Za-z0-9_-]`, 1 to 64 characters. */
  public readonly stepName: string;
  /** The step's type (`Type`), e.g. `Processing`, `Training`, `Model`, `RegisterModel`. */
  public readonly stepType: string;
  /** The step's display name, if any. */
  public readonly displayName?: string;
  /** The step's description, if any. */
  public readonly description?: string;

  private readonly dependencies: PipelineStep[];

  /**
   * @param stepName the step's name
   * @param stepType the step's type as the definition writes it
   * @param options display name, description and dependencies
   */
  protected constructor(stepName: string, stepType: string, options: PipelineStepOptions) {
    this.stepName = stepName;
    this.stepType = stepType;
    this.displayName = options.displayName;
    this.description = options.description;
    this.dependencies = [...(options.dependsOn ?? [])];
  }

  /** The steps this step explicitly depends on (`DependsOn`). */
  public get dependsOn(): PipelineStep[] {
    return [...this.dependencies];
  }

  /**
   * Adds a step that must finish before this one starts (`DependsOn`).
   * @param step the step to wait for
   */
  public addDependsOn(step: PipelineStep): void {
    if (!this.dependencies.includes(step)) this.dependencies.push(step);
  }

  /**
   * A reference to a property of this step: `{"Get": "Steps.<name>.<path>"}`, with `path` in the
   * step's Describe* response, e.g. `ModelArtifacts.S3ModelArtifacts`.
   * @param path the property path
   */
  public property(path: string): PipelineValue {
    return PipelineValue.fromStepProperty(this, path);
  }

  /** The step's JSON in the pipeline definition (nested steps of a condition included). */
  public toJson(): any {
    const out: { [key: string]: any } = {
      Name: this.stepName,
      Type: this.stepType,
      Arguments: this._renderArguments(),
    };
    if (this.dependencies.length > 0) out.DependsOn = this.dependencies.map((s) => s.stepName);
    if (this.displayName) out.DisplayName = this.displayName;
    if (this.description) out.Description = this.description;
    return { ...out, ...this._renderFields() };
  }

  /** The step's `Arguments`. @internal */
  public abstract _renderArguments(): any;

  /** Top-level fields besides Name, Type, Arguments, DependsOn, DisplayName and Description. @internal */
  public _renderFields(): { [key: string]: any } {
    return {};
  }

  /** Steps nested in this one (the branches of a condition). @internal */
  public _nestedSteps(): PipelineStep[] {
    return [];
  }

  /** The JSON in which this step (not its nested steps) references parameters and other steps. @internal */
  public _referencingJson(): any {
    return { Arguments: this._renderArguments(), ...this._renderFields() };
  }

  /** The property files this step declares. @internal */
  public _propertyFileOutputs(): { [name: string]: string } {
    return {};
  }

  /** The Lambda outputs this step declares, or undefined if the step is not a Lambda step. @internal */
  public _lambdaOutputNames(): string[] | undefined {
    return undefined;
  }

  /** Problems of the step's own configuration, found when the definition is built. @internal */
  public _validate(): string[] {
    return [];
  }
}

/** Merges the documented escape hatch into rendered arguments. @internal */
export function withAdditional(args: any, additional: { [key: string]: any } | undefined): any {
  return additional ? deepMerge(args, additional) : args;
}
