// Constructs of the monitoring concern; each construct lives in its own file and is exported here.
export * from './monitoring-baseline';
export * from './model-quality-metric';
export * from './retraining-target';
export * from './model-monitor-props';
export { MonitoringSchedule } from './monitoring-schedule';
export * from './model-monitor';
