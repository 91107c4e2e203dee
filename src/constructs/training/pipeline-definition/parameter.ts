import { PipelineValue } from './value';

/** The type of a pipeline parameter, as the definition writes it. */
export enum ParameterType {
  /** `String` */
  STRING = 'String',
  /** `Integer` */
  INTEGER = 'Integer',
  /** `Float` */
  FLOAT = 'Float',
  /** `Boolean` */
  BOOLEAN = 'Boolean',
}

/**
 * A parameter of a pipeline: a value the caller may set per execution
 * (`StartPipelineExecution`'s `PipelineParameters`). Use the subclasses `ParameterString`,
 * `ParameterInteger`, `ParameterFloat` and `ParameterBoolean`.
 */
export abstract class PipelineParameter {
  /** The parameter's name (`[A-Za-z0-9_-]`, at most 256 characters). */
  public readonly parameterName: string;
  /** The parameter's type. */
  public readonly parameterType: ParameterType;
  /** The rendered `DefaultValue`. @internal */
  protected _jsonDefault?: any;
  /** More fields of the parameter's entry. @internal */
  protected _jsonExtra: { [key: string]: any } = {};

  /**
   * @param parameterName the parameter's name
   * @param parameterType the parameter's type
   */
  protected constructor(parameterName: string, parameterType: ParameterType) {
    this.parameterName = parameterName;
    this.parameterType = parameterType;
  }

  /** A reference to this parameter: `{"Get": "Parameters.<name>"}`. */
  public get value(): PipelineValue {
    return PipelineValue.fromParameter(this);
  }

  /** The parameter's entry in the definition's `Parameters` list. */
  public toJson(): any {
    const out: { [key: string]: any } = { Name: this.parameterName, Type: this.parameterType };
    if (this._jsonDefault !== undefined) out.DefaultValue = this._jsonDefault;
    return { ...out, ...this._jsonExtra };
  }

}

/** Options of a `ParameterString`. */
export interface ParameterStringOptions {
  /**
   * The value used when an execution does not set the parameter.
   * @default - no default: every execution must set the parameter
   */
  readonly defaultValue?: string;
  /**
   * The values the parameter may take (`EnumValues`).
   * @default - any string
   */
  readonly enumValues?: string[];
}

/** A `String` pipeline parameter. */
export class ParameterString extends PipelineParameter {
  /** The default value, if any. */
  public readonly defaultValue?: string;
  /** The allowed values, if restricted. */
  public readonly enumValues?: string[];

  /**
   * @param parameterName the parameter's name
   * @param options default value and allowed values
   */
  constructor(parameterName: string, options: ParameterStringOptions = {}) {
    super(parameterName, ParameterType.STRING);
    this.defaultValue = options.defaultValue;
    this.enumValues = options.enumValues ? [...options.enumValues] : undefined;
    if (this.enumValues && this.defaultValue !== undefined && !this.enumValues.includes(this.defaultValue)) {
      throw new Error(`parameter "${parameterName}": defaultValue ${JSON.stringify(this.defaultValue)} is not one of enumValues ${JSON.stringify(this.enumValues)}; add it to enumValues or change the default`);
    }
    this._jsonDefault = this.defaultValue;
    if (this.enumValues) this._jsonExtra = { EnumValues: [...this.enumValues] };
  }

}

/** Options of a `ParameterInteger`. */
export interface ParameterIntegerOptions {
  /**
   * The value used when an execution does not set the parameter (a whole number).
   * @default - no default: every execution must set the parameter
   */
  readonly defaultValue?: number;
}

/** An `Integer` pipeline parameter. */
export class ParameterInteger extends PipelineParameter {
  /** The default value, if any. */
  public readonly defaultValue?: number;

  /**
   * @param parameterName the parameter's name
   * @param options the default value
   */
  constructor(parameterName: string, options: ParameterIntegerOptions = {}) {
    super(parameterName, ParameterType.INTEGER);
    if (options.defaultValue !== undefined && !Number.isInteger(options.defaultValue)) {
      throw new Error(`parameter "${parameterName}": defaultValue ${options.defaultValue} is not a whole number; use ParameterFloat for fractional values`);
    }
    this.defaultValue = options.defaultValue;
    this._jsonDefault = this.defaultValue;
  }

}

/** Options of a `ParameterFloat`. */
export interface ParameterFloatOptions {
  /**
   * The value used when an execution does not set the parameter.
   * @default - no default: every execution must set the parameter
   */
  readonly defaultValue?: number;
}

/** A `Float` pipeline parameter. */
export class ParameterFloat extends PipelineParameter {
  /** The default value, if any. */
  public readonly defaultValue?: number;

  /**
   * @param parameterName the parameter's name
   * @param options the default value
   */
  constructor(parameterName: string, options: ParameterFloatOptions = {}) {
    super(parameterName, ParameterType.FLOAT);
    this.defaultValue = options.defaultValue;
    this._jsonDefault = this.defaultValue;
  }

}

/** Options of a `ParameterBoolean`. */
export interface ParameterBooleanOptions {
  /**
   * The value used when an execution does not set the parameter.
   * @default - no default: every execution must set the parameter
   */
  readonly defaultValue?: boolean;
}

/** A `Boolean` pipeline parameter. */
export class ParameterBoolean extends PipelineParameter {
  /** The default value, if any. */
  public readonly defaultValue?: boolean;

  /**
   * @param parameterName the parameter's name
   * @param options the default value
   */
  constructor(parameterName: string, options: ParameterBooleanOptions = {}) {
    super(parameterName, ParameterType.BOOLEAN);
    this.defaultValue = options.defaultValue;
    this._jsonDefault = this.defaultValue;
  }

}
