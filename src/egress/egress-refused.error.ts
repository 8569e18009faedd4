/**
 * A connection the egress policy refused. Drivers pass socket and lookup errors through, so the
 * message (which names the address, the host asked for and the setting to change) reaches the step
 * error or the connection test as is; `code` lets error-wording code recognise it.
 */
export class EgressRefusedError extends Error {
  readonly code = 'EEGRESS';

  constructor(message: string) {
    super(message);
    this.name = 'EgressRefusedError';
  }
}
