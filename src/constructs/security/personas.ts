/**
 * The account a set of persona roles lives in, which decides what people may do there.
 */
export enum PersonaEnvironment {
  /** EXP: full personas; data scientists experiment, build pipelines and register models. */
  EXPERIMENTATION = 'EXPERIMENTATION',
  /** DEV: troubleshooting: read, logs and endpoint invocation; no changes. */
  DEV = 'DEV',
  /** INT: read-only for people. */
  INT = 'INT',
  /** PROD: read-only for people. */
  PROD = 'PROD',
}

/**
 * The people who work on the platform, in the spirit of SageMaker Role Manager personas.
 */
export enum Persona {
  /** Experiments, trains, builds pipelines and registers model versions (pending approval). */
  DATA_SCIENTIST = 'DATA_SCIENTIST',
  /** A data scientist who also approves or rejects model versions and cleans up the registry. */
  LEAD_DATA_SCIENTIST = 'LEAD_DATA_SCIENTIST',
  /** Runs the MLOps tooling: pipelines, model monitoring, registry sharing, Service Catalog products. */
  MLOPS_ENGINEER = 'MLOPS_ENGINEER',
  /** Reads configuration and audit trails everywhere; changes nothing and reads no data. */
  AUDITOR = 'AUDITOR',
}
