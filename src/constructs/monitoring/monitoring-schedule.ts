import { Token } from 'aws-cdk-lib';

const FORMS =
  'SageMaker accepts "cron(0 * ? * * *)" (hourly), "cron(0 H ? * * *)" (daily at hour H UTC) and "cron(0 H/N ? * * *)" (every N hours from hour H); ' +
  'a one-off run ("NOW") is started outside the stack';

/**
 * When a Model Monitor job runs. SageMaker Model Monitor accepts only hourly, every-N-hours and daily
 * cron expressions (and a one-off `NOW`, which this construct does not create); the expression is
 * checked when the `ModelMonitor` is created, with an error naming the prop.
 *
 * @example
 * MonitoringSchedule.hourly();        // cron(0 * ? * * *)
 * MonitoringSchedule.daily(3);        // cron(0 3 ? * * *)
 * MonitoringSchedule.everyHours(6);   // cron(0 0/6 ? * * *)
 * MonitoringSchedule.off();           // job definition only, no schedule
 */
export class MonitoringSchedule {
  /** Every hour, on the hour (UTC): `cron(0 * ? * * *)`. */
  public static hourly(): MonitoringSchedule {
    return new MonitoringSchedule('cron(0 * ? * * *)');
  }

  /**
   * Once a day.
   * @param hourUtc the hour of the run, 0 to 23 (UTC); default 0
   */
  public static daily(hourUtc?: number): MonitoringSchedule {
    return new MonitoringSchedule(`cron(0 ${hourUtc ?? 0} ? * * *)`);
  }

  /**
   * Every `hours` hours (1 to 24), from `firstHourUtc`.
   * @param hours the interval in hours
   * @param firstHourUtc the first hour of the day with a run, 0 to 23 (UTC); default 0
   */
  public static everyHours(hours: number, firstHourUtc?: number): MonitoringSchedule {
    return new MonitoringSchedule(`cron(0 ${firstHourUtc ?? 0}/${hours} ? * * *)`);
  }

  /**
   * A Model Monitor cron expression: `cron(0 * ? * * *)`, `cron(0 H ? * * *)` or `cron(0 H/N ? * * *)`.
   * @param expression the expression
   */
  public static expression(expression: string): MonitoringSchedule {
    return new MonitoringSchedule(expression);
  }

  /**
   * No schedule: the job definition, role, reports bucket, topic and failure alarm are created, but no
   * job runs until someone starts one (a one-off monitoring schedule with `NOW`, e.g. from the console).
   */
  public static off(): MonitoringSchedule {
    return new MonitoringSchedule(undefined);
  }

  /** The schedule expression; undefined when the schedule is off. */
  public readonly expressionString?: string;

  private constructor(expression: string | undefined) {
    this.expressionString = expression;
  }
}

/**
 * A validated monitoring schedule expression and its interval.
 * @internal
 */
export interface ResolvedSchedule {
  readonly expression: string;
  readonly intervalHours: number;
}

/**
 * Checks a monitoring schedule expression against the forms SageMaker accepts and returns its interval.
 * @param prop the prop (or setting) that gave the expression, named in the error
 * @param expression the expression
 * @internal
 */
export function resolveMonitoringSchedule(prop: string, expression: string): ResolvedSchedule {
  if (Token.isUnresolved(expression)) throw new Error(`${prop} must be a literal expression; ${FORMS}`);
  if (typeof expression !== 'string') throw new Error(`${prop} ${JSON.stringify(expression)} is not a Model Monitor schedule; ${FORMS}`);
  if (expression.trim().toUpperCase() === 'NOW') {
    throw new Error(`${prop} "NOW" is a one-off run, not a schedule: start it outside the stack, or write a recurring expression; ${FORMS}`);
  }
  const m = /^cron\(0 (\*|\d{1,2})(?:\/(\d{1,2}))? \? \* \* \*\)$/.exec(expression.trim());
  if (!m) throw new Error(`${prop} ${JSON.stringify(expression)} is not a Model Monitor schedule; ${FORMS}`);
  if (m[1] === '*') {
    if (m[2] !== undefined) throw new Error(`${prop} ${JSON.stringify(expression)}: write the first hour instead of "*" before "/", e.g. "cron(0 0/6 ? * * *)"; ${FORMS}`);
    return { expression, intervalHours: 1 };
  }
  const hour = Number(m[1]);
  if (hour > 23) throw new Error(`${prop} ${JSON.stringify(expression)}: the hour ${hour} is not from 0 to 23`);
  if (m[2] === undefined) return { expression, intervalHours: 24 };
  const every = Number(m[2]);
  if (every < 1 || every > 24) throw new Error(`${prop} ${JSON.stringify(expression)}: the interval ${every} is not from 1 to 24 hours`);
  return { expression, intervalHours: every };
}

/**
 * The schedule of one monitor: the `schedule` prop, else the (older) `scheduleExpression` prop, else the default.
 * @returns the validated schedule, or undefined when it is off
 * @internal
 */
export function resolveMonitorSchedule(
  prop: string,
  schedule: MonitoringSchedule | undefined,
  scheduleExpression: string | undefined,
  defaultSchedule: MonitoringSchedule,
): ResolvedSchedule | undefined {
  if (schedule !== undefined && scheduleExpression !== undefined) {
    throw new Error(`${prop}.schedule and ${prop}.scheduleExpression are both set; keep schedule (e.g. MonitoringSchedule.daily()) and remove scheduleExpression`);
  }
  if (scheduleExpression !== undefined) return resolveMonitoringSchedule(`${prop}.scheduleExpression`, scheduleExpression);
  const chosen = schedule ?? defaultSchedule;
  if (chosen.expressionString === undefined) return undefined;
  return resolveMonitoringSchedule(`${prop}.schedule`, chosen.expressionString);
}
