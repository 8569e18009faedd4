/** A `when` condition that cannot be parsed; `position` is 1-based, as shown in the message. */
export class ConditionSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly position: number,
  ) {
    super(`${problem} at character ${position}`);
    this.name = 'ConditionSyntaxError';
  }
}

/** A condition whose operands cannot be compared at run time (a missing reference, ordering a string). */
export class ConditionEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionEvaluationError';
  }
}
