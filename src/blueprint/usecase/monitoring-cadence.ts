import { UseCaseStageSettings } from './usecase-props';
import { EndpointInstanceType } from '../../constructs/deployment/endpoint-instance-type';
import { MonitoringSchedule, resolveMonitoringSchedule } from '../../constructs/monitoring/monitoring-schedule';
import { PlatformAccount } from '../config/platform-config';

/** The value of `UseCaseStageSettings.monitoringSchedule` that creates no monitoring schedule. */
const OFF = 'off';
/** The default cadence of the data-quality monitor per stage: hourly where traffic is real, daily where only promotions call. */
const DEFAULT_SCHEDULE: Record<string, string> = {
  [PlatformAccount.DEV]: 'cron(0 0 ? * * *)',
  [PlatformAccount.INT]: 'cron(0 0 ? * * *)',
  [PlatformAccount.PROD]: 'cron(0 * ? * * *)',
};
const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;

/** The monitoring schedules and job size of one stage, from its settings. @internal */
export interface StageMonitoring {
  /** The data-quality schedule. */
  readonly dataQuality: MonitoringSchedule;
  /** The model-quality schedule. */
  readonly modelQuality: MonitoringSchedule;
  /** The instance type of the monitoring jobs. */
  readonly instanceType: EndpointInstanceType;
}

/**
 * The monitoring of a stage: `monitoringSchedule` (else the stage's default) for data quality, daily
 * model quality, both off with `"off"`; `monitoringInstanceType` (else ml.m5.large) for the jobs.
 * Throws an Error naming `<option>.monitoringSchedule` or `<option>.monitoringInstanceType` and the fix.
 * @param option how the user wrote the stage's settings, e.g. `prod` or `prodSettings`
 * @param stage DEV, INT or PROD
 * @param settings the stage's settings
 * @internal
 */
export function stageMonitoring(option: string, stage: PlatformAccount, settings: UseCaseStageSettings): StageMonitoring {
  const expression = settings.monitoringSchedule ?? DEFAULT_SCHEDULE[stage];
  const instanceType = settings.monitoringInstanceType ?? DEFAULT_INSTANCE_TYPE;
  if (!INSTANCE_TYPE.test(instanceType)) {
    throw new Error(`${option}.monitoringInstanceType ${JSON.stringify(instanceType)} is not a SageMaker instance type; write e.g. "ml.m5.large"`);
  }
  if (expression === OFF) {
    return { dataQuality: MonitoringSchedule.off(), modelQuality: MonitoringSchedule.off(), instanceType: EndpointInstanceType.of(instanceType) };
  }
  try {
    resolveMonitoringSchedule(`${option}.monitoringSchedule`, expression);
  } catch (e) {
    throw new Error(`${(e as Error).message}; or "${OFF}" for no schedule`);
  }
  return {
    dataQuality: MonitoringSchedule.expression(expression),
    modelQuality: MonitoringSchedule.daily(),
    instanceType: EndpointInstanceType.of(instanceType),
  };
}
