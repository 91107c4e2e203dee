// Constructs of the training concern; each construct lives in its own file and is exported here.
export * from './pipeline-definition';
export { PipelineDefinitionSource, PipelineDefinitionSourceKind, PipelinePlaceholder } from './pipeline-definition-source';
export type { SecurityExemption, PipelineSecurityExemptions } from './definition-checks';
export { SageMakerFrameworkImage } from './framework-image';
export { Framework, ImageScope, ModelImage, Processor } from './model-image';
export type { FrameworkImageOptions } from './model-image';
export { ModelBuildPipeline } from './model-build-pipeline';
export type { ModelBuildPipelineProps, ModelBuildScheduleOptions, CodePushTriggerOptions, CodeUploadOptions } from './model-build-pipeline';
export { PredictiveMaintenancePipeline } from './predictive-maintenance-pipeline';
export type { PredictiveMaintenancePipelineProps } from './predictive-maintenance-pipeline';
