import { Matches } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { isPlainObject } from '../../steps/shared/step-config-validators';

/** AMQP short strings (exchange, queue, routing key) are at most 255 bytes; control characters have no business there. */
const SHORT_STRING = /^[^\u0000-\u001f\u007f]{0,255}$/;

/** An exchange, queue or routing key: up to 255 characters, no control characters (`allowEmpty`: the default exchange, a blank key). */
export function IsAmqpName(what: string, options: { allowEmpty?: boolean; each?: boolean } = {}): PropertyDecorator {
  const allowEmpty = options.allowEmpty !== false;
  return Matches(allowEmpty ? SHORT_STRING : /^[^\u0000-\u001f\u007f]{1,255}$/, {
    each: options.each,
    message: `${what} must be ${allowEmpty ? 'up to' : '1 to'} 255 characters without control characters`,
  });
}

/** A map of header names to string values (AMQP header tables; numbers from `${…}` arrive as strings). */
export function IsAmqpHeaderMap(): PropertyDecorator {
  return Satisfies('isHeaderMap', (value) => {
    if (!isPlainObject(value)) return 'must be an object of string values';
    const entries = Object.entries(value);
    if (entries.length > 100) return 'must have at most 100 headers';
    for (const [name, item] of entries) {
      if (!SHORT_STRING.test(name) || name === '') return `has a header name that is not 1-255 characters without control characters: "${name.slice(0, 80)}"`;
      if (typeof item !== 'string') return `value of "${name}" must be a string`;
      if (item.length > 16_384) return `value of "${name}" must be at most 16384 characters`;
    }
    return null;
  });
}
