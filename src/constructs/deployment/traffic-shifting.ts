import { Duration, Token } from 'aws-cdk-lib';
import type { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';

/** The longest wait SageMaker accepts between traffic-shifting steps (`WaitIntervalInSeconds`). */
const MAX_WAIT_SECONDS = 3600;

/**
 * How a blue/green endpoint update moves traffic from the old fleet to the new one.
 */
export enum TrafficShiftingMode {
  /** A canary share first, the rest after the wait (`CANARY`). */
  CANARY = 'CANARY',
  /** Equal steps with a wait after each (`LINEAR`). */
  LINEAR = 'LINEAR',
  /** All traffic in one step, then the wait (`ALL_AT_ONCE`). */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
}

/**
 * The traffic shifting of a blue/green endpoint update (`BlueGreenUpdatePolicy.TrafficRoutingConfiguration`).
 *
 * During every wait ("baking period") SageMaker watches the rollback alarms; if one fires it sends
 * all traffic back to the old fleet.
 *
 * @example
 * TrafficShifting.canary(10, Duration.minutes(10)); // 10 % of capacity, 10 min bake, then the rest
 * TrafficShifting.linear(25, Duration.minutes(5));  // 4 steps of 25 %, 5 min bake after each
 * TrafficShifting.allAtOnce();                      // one step, 5 min bake
 */
export class TrafficShifting {
  /**
   * Canary: first `canaryPercent` of the new fleet's capacity takes traffic, then, after `waitInterval`
   * without an alarm, the rest does (followed by a final wait).
   * @param canaryPercent share of the new fleet's capacity in the canary step, an integer from 1 to 50
   * @param waitInterval the baking period after each step, at most one hour
   */
  public static canary(canaryPercent: number, waitInterval: Duration): TrafficShifting {
    checkPercent('TrafficShifting.canary', 'canaryPercent', canaryPercent, 1, 50);
    const wait = checkWait('TrafficShifting.canary', waitInterval);
    return new TrafficShifting(TrafficShiftingMode.CANARY, wait, canaryPercent, 2);
  }

  /**
   * Linear: traffic moves in steps of `stepPercent` of the new fleet's capacity with `waitInterval`
   * after each.
   * @param stepPercent share of the capacity per step, an integer from 10 to 50
   * @param waitInterval the baking period after each step, at most one hour
   */
  public static linear(stepPercent: number, waitInterval: Duration): TrafficShifting {
    checkPercent('TrafficShifting.linear', 'stepPercent', stepPercent, 10, 50);
    const wait = checkWait('TrafficShifting.linear', waitInterval);
    return new TrafficShifting(TrafficShiftingMode.LINEAR, wait, stepPercent, Math.ceil(100 / stepPercent));
  }

  /**
   * All at once: all traffic moves in one step, then SageMaker watches the alarms for `waitInterval`
   * before it terminates the old fleet.
   * @param waitInterval the baking period after the shift, at most one hour; default 5 minutes
   */
  public static allAtOnce(waitInterval?: Duration): TrafficShifting {
    const wait = checkWait('TrafficShifting.allAtOnce', waitInterval ?? Duration.minutes(5));
    return new TrafficShifting(TrafficShiftingMode.ALL_AT_ONCE, wait, undefined, 1);
  }

  /** The traffic routing type. */
  public readonly mode: TrafficShiftingMode;
  /** The baking period after each step. */
  public readonly waitInterval: Duration;
  /** The canary size or linear step size in percent of capacity; undefined for all at once. */
  public readonly capacityPercent?: number;
  /** How many baking periods a deployment goes through. */
  public readonly bakingPeriods: number;

  private constructor(mode: TrafficShiftingMode, waitInterval: Duration, capacityPercent: number | undefined, bakingPeriods: number) {
    this.mode = mode;
    this.waitInterval = waitInterval;
    this.capacityPercent = capacityPercent;
    this.bakingPeriods = bakingPeriods;
  }

  /**
   * The CloudFormation `TrafficRoutingConfiguration`.
   * @internal
   */
  public _render(): CfnEndpoint.TrafficRoutingConfigProperty {
    const size = this.capacityPercent === undefined ? undefined : { type: 'CAPACITY_PERCENT', value: this.capacityPercent };
    return {
      type: this.mode,
      waitIntervalInSeconds: this.waitInterval.toSeconds(),
      canarySize: this.mode === TrafficShiftingMode.CANARY ? size : undefined,
      linearStepSize: this.mode === TrafficShiftingMode.LINEAR ? size : undefined,
    };
  }

  /**
   * The total time a deployment spends baking, in seconds.
   * @internal
   */
  public _totalWaitSeconds(): number {
    return this.bakingPeriods * this.waitInterval.toSeconds();
  }
}

function checkPercent(factory: string, name: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) {
    throw new Error(`${factory}: ${name} must be a literal number from ${min} to ${max}, not a token`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${factory}: ${name} is ${value}; write an integer percentage of the new fleet's capacity from ${min} to ${max}`);
  }
}

function checkWait(factory: string, wait: Duration): Duration {
  if (wait.isUnresolved()) {
    throw new Error(`${factory}: waitInterval must be a literal duration, not a token`);
  }
  const ms = wait.toMilliseconds();
  if (ms % 1000 !== 0 || ms < 0 || ms / 1000 > MAX_WAIT_SECONDS) {
    throw new Error(`${factory}: waitInterval is ${wait.toHumanString()}; write whole seconds from 0 to one hour (Duration.minutes(10), say)`);
  }
  return wait;
}
