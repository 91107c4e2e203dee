import { Token } from 'aws-cdk-lib';

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
 * @internal
 */
export function resolveMonitoringSchedule(prop: string, expression: string): ResolvedSchedule {
  const forms = 'SageMaker accepts "cron(0 * ? * * *)" (hourly), "cron(0 H ? * * *)" (daily at hour H UTC) and "cron(0 H/N ? * * *)" (every N hours from hour H)';
  if (Token.isUnresolved(expression)) throw new Error(`${prop} must be a literal expression; ${forms}`);
  const m = /^cron\(0 (\*|\d{1,2})(?:\/(\d{1,2}))? \? \* \* \*\)$/.exec(expression.trim());
  if (!m) throw new Error(`${prop} ${JSON.stringify(expression)} is not a Model Monitor schedule; ${forms}`);
  if (m[1] === '*') {
    if (m[2] !== undefined) throw new Error(`${prop} ${JSON.stringify(expression)}: write the first hour instead of "*" before "/", e.g. "cron(0 0/6 ? * * *)"; ${forms}`);
    return { expression, intervalHours: 1 };
  }
  const hour = Number(m[1]);
  if (hour > 23) throw new Error(`${prop} ${JSON.stringify(expression)}: the hour ${hour} is not from 0 to 23`);
  if (m[2] === undefined) return { expression, intervalHours: 24 };
  const every = Number(m[2]);
  if (every < 1 || every > 24) throw new Error(`${prop} ${JSON.stringify(expression)}: the interval ${every} is not from 1 to 24 hours`);
  return { expression, intervalHours: every };
}
