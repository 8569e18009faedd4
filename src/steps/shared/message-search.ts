import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { StepError } from '../step-plugin';
import { createMessageMatcher, MATCH_TYPES, type MatchType, type MessageHeaders, type MessageMatcher, type MessagePattern } from './message-matcher';
import { isPlainObject, problemsOf, scalarToString, type RawProblem } from './step-config-validators';
import { ExpectProperty, judgeMatch, judgeWindowEnd, unexpectedMatchError, type SearchExpectation } from './subscribe-expectation';

/**
 * What every subscribe/consume step (Kafka, AMQP, MQTT, NATS, JetStream, WebSocket) shares: the `searchPattern` / `matchAll` / `messageLimit` /
 * `timeoutMs` / `expect` fields, their save-time check, the `{messages, matchedCount, scannedCount}`
 * result, and `MessageSearch`, the window that matches what a transport hands it and settles the step.
 * A transport only subscribes, hands each message to `offer`, and closes when told.
 */

export const MESSAGE_SEARCH_DEFAULTS = { messageLimit: 100, timeoutMs: 30_000 } as const;

/** With expect "none" the window must end before the step timeout, with time left to close and hand the result over. */
export const EXPECT_NONE_MARGIN_MS = 1_000;

export class MessageSearchPattern implements MessagePattern {
  @ApiProperty({
    enum: MATCH_TYPES,
    example: 'jsonpath',
    description:
      '`contains` (or `exact`, its older name): the body contains the pattern text; `jsonpath`: the body is JSON and the JSONPath selects something (a root filter tests the message itself); `header`: the message has header `header` with value exactly `pattern`',
  })
  @IsIn(MATCH_TYPES)
  matchType: MatchType;

  @ApiPropertyOptional({ example: 'X-Correlation-Id', description: 'Header name (case-insensitive), with matchType `header` only' })
  @ValidateIf((pattern: MessageSearchPattern) => pattern.matchType === 'header' || pattern.header !== undefined)
  @IsString()
  @Matches(/^[^\s:]{1,256}$/, { message: 'header must be a header name (1-256 characters, no spaces or colons)' })
  header?: string;

  @ApiProperty({ example: "$[?(@.orderId == '${create.response.body.id}')]", description: 'Text to find, a JSONPath starting at $, or the exact header value' })
  @Transform(({ value }) => scalarToString(value))
  @IsString()
  @MinLength(1)
  @MaxLength(4096)
  pattern: string;

  @ApiPropertyOptional({ default: false, description: 'false: done at the first match; true: collect matches until messageLimit or timeoutMs (at least one needed). Ignored with expect "none".' })
  @IsOptional()
  @IsBoolean()
  matchAll?: boolean;
}

/** The search fields of a subscribe-type step config; each step's config class extends it. */
export class MessageSearchConfig {
  @ApiPropertyOptional({ default: MESSAGE_SEARCH_DEFAULTS.messageLimit, minimum: 1, maximum: 10_000, description: 'Most messages returned; the step ends when reached' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  messageLimit?: number;

  @ApiPropertyOptional({
    default: MESSAGE_SEARCH_DEFAULTS.timeoutMs,
    minimum: 100,
    maximum: 3_600_000,
    description: 'How long to wait for matches once subscribed (the step timeout also applies). With expect "none": the window watched in full, so the step\'s timeoutMs must exceed it by at least 1 s.',
  })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ type: MessageSearchPattern, description: 'Without it every message matches and the step collects up to messageLimit messages until timeoutMs' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MessageSearchPattern)
  searchPattern?: MessageSearchPattern;

  @ExpectProperty('message')
  expect?: SearchExpectation;
}

/** `validateRaw` of a subscribe-type step: a JSONPath that cannot compile is a 400 at save (a `${…}` pattern is checked at run). */
export function checkSearchPattern(raw: Record<string, unknown>): RawProblem[] {
  const search = raw.searchPattern;
  if (!isPlainObject(search) || typeof search.pattern !== 'string' || search.pattern === '' || search.pattern.includes('${')) return [];
  if (search.matchType === 'header') return []; // the DTO checks its fields
  if (!(MATCH_TYPES as readonly unknown[]).includes(search.matchType)) return [];
  return problemsOf(() => createMessageMatcher(search as unknown as MessagePattern));
}

/** Every subscribe-type result. */
export interface MessageSearchResult<TMessage> extends Record<string, unknown> {
  messages: TMessage[];
  matchedCount: number;
  scannedCount: number;
  /** Present when matchAll stopped at the search's memory bound (MAX_KEPT_CHARS) before messageLimit. */
  keptLimitReached?: string;
}

/**
 * The result schema of a subscribe-type step; `messageProperties` are the transport's own message
 * fields beside the shared `value`, `headers` and `timestamp`.
 */
export function messageSearchResultSchema(messageProperties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            value: { description: 'The body: parsed when a JSON object or array, else text' },
            headers: { type: 'object', additionalProperties: true },
            timestamp: { type: 'string', format: 'date-time', description: 'When the service received it (or the broker\'s time when it has one)' },
            ...messageProperties,
          },
          required: ['value', 'headers', 'timestamp', ...required],
        },
      },
      matchedCount: { type: 'integer' },
      scannedCount: { type: 'integer', description: 'Messages examined since the subscription was in place' },
      keptLimitReached: { type: 'string', description: 'Present when collecting stopped at the memory bound of a step (16 Mi characters of matched bodies) before messageLimit' },
    },
    required: ['messages', 'matchedCount', 'scannedCount'],
  };
}

export interface MessageSearchOptions {
  config: MessageSearchConfig;
  /** Where the messages come from, for messages: `queue "orders"`, `subject "orders.*"`. */
  source: string;
  signal: AbortSignal;
  /** The attempt's deadline (epoch ms). */
  deadline: number;
  /**
   * The searchPattern comes later (deferred match, `startMatching`): until then every message is kept,
   * unexamined, so one that arrives before the pattern is known is still matched.
   */
  deferMatch?: boolean;
  /** Closes the transport's subscription; called once, whatever the outcome, before the result settles. */
  close(): Promise<void>;
}

/** A message offered to the search: its body as text (null: none), headers, and how to shape it for the result. */
export interface OfferedMessage<TMessage> {
  text: string | null;
  headers?: MessageHeaders;
  toResult(): TMessage;
}

/** Most messages a deferred search keeps before its pattern is known. */
const MAX_HELD_MESSAGES = 10_000;
/**
 * Most body characters a search keeps in memory: held (deferred match) and matched messages each. A
 * tenant's flow cannot make the worker hold more than this per step however large or many the messages
 * (messageLimit alone would allow 10,000 × the transport's body cap). Counted on the text offered, which
 * is what the kept message holds (plus its parsed form).
 */
export const MAX_KEPT_CHARS = 16 * 1024 * 1024;

/**
 * One window of a subscribe-type step. The transport subscribes, then calls `start()` (which starts the
 * timeout and may refuse an expect-"none" window the step timeout cannot hold), and hands every message
 * to `offer`. `result` settles on the first match (or `messageLimit` matches with `matchAll`), at the
 * window's end, on abort or on `fail` — always after `close` has run.
 */
export class MessageSearch<TMessage> {
  readonly result: Promise<MessageSearchResult<TMessage>>;
  private resolveResult!: (result: MessageSearchResult<TMessage>) => void;
  private rejectResult!: (error: unknown) => void;
  private matcher: MessageMatcher | null = null;
  private search?: MessageSearchPattern;
  private matchAll = true;
  private held: Array<OfferedMessage<TMessage>> | null = null;
  private readonly expect: SearchExpectation;
  private readonly messageLimit: number;
  private readonly matches: TMessage[] = [];
  private scanned = 0;
  private heldChars = 0;
  private matchedChars = 0;
  /** Set when the search stopped collecting because MAX_KEPT_CHARS of matches were kept. */
  private keptLimitReached = false;
  private finished = false;
  private closing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private waitMs = 0;
  private endsAtDeadline = false;
  private readonly onAbort = () => this.finish(this.abortError());

  constructor(private readonly options: MessageSearchOptions) {
    const { config } = options;
    if (options.deferMatch) this.held = [];
    else this.useSearch(config.searchPattern);
    this.messageLimit = config.messageLimit ?? MESSAGE_SEARCH_DEFAULTS.messageLimit;
    this.expect = config.expect ?? 'some';
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // The engine may stop before awaiting the result (a failed flow): the rejection is not unhandled.
    this.result.catch(() => undefined);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** The subscription is in place: the window starts now. Throws (after closing) when expect "none" cannot be watched in full. */
  async start(): Promise<void> {
    // Already settled (a message matched while the transport was still getting ready): nothing to watch.
    if (this.finished) return;
    const { config, signal, deadline } = this.options;
    const timeoutMs = config.timeoutMs ?? MESSAGE_SEARCH_DEFAULTS.timeoutMs;
    const untilDeadline = deadline - Date.now();
    if (this.expect === 'none' && untilDeadline < timeoutMs + EXPECT_NONE_MARGIN_MS) {
      this.finished = true;
      await this.close();
      throw new StepError(
        `expect "none" must watch ${this.options.source} for its whole window (config.timeoutMs ${timeoutMs} ms), but the step timeout leaves ${Math.max(0, untilDeadline)} ms: set the step's timeoutMs at least ${EXPECT_NONE_MARGIN_MS} ms above config.timeoutMs, counting the time to subscribe`,
        { field: 'timeoutMs' },
      );
    }
    this.endsAtDeadline = untilDeadline < timeoutMs;
    this.waitMs = Math.max(0, Math.min(timeoutMs, untilDeadline));
    // A window that ended before matching started (deferred match) was not searched: it never passes.
    this.timer = setTimeout(() => this.finish(this.held === null && judgeWindowEnd(this.expect, this.matches.length) === 'pass' ? undefined : this.timeoutError()), this.waitMs);
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A message from the transport, in arrival order. */
  offer(message: OfferedMessage<TMessage>): void {
    if (this.finished) return;
    this.scanned++;
    if (this.held !== null) {
      // Bounded like a result: a source flooding faster than the trigger answers is cut at the limit.
      const chars = message.text?.length ?? 0;
      if (this.held.length < MAX_HELD_MESSAGES && this.heldChars + chars <= MAX_KEPT_CHARS) {
        this.held.push(message);
        this.heldChars += chars;
      }
      return;
    }
    this.match(message);
  }

  /** Deferred match: the pattern is known now; what was kept is matched first, then what arrives. */
  startMatching(search: MessageSearchPattern | undefined): void {
    if (this.held === null) return;
    try {
      this.useSearch(search);
    } catch (error) {
      this.finish(new StepError(`its searchPattern is invalid: ${(error as Error).message}`));
      return;
    }
    const held = this.held;
    this.held = null;
    this.heldChars = 0;
    for (const message of held) {
      if (this.finished) break;
      this.match(message);
    }
  }

  /** The transport failed (connection lost, broker error): the step fails with this, after closing. */
  fail(message: string): void {
    this.finish(new StepError(`${message} (scanned ${plural(this.scanned, 'message')}, ${this.matches.length} matched)`));
  }

  /** Ends the window now (worker shutdown). */
  stop(reason: string): Promise<void> {
    this.finish(new StepError(`subscription to ${this.options.source} stopped: ${reason} (scanned ${plural(this.scanned, 'message')}, ${this.matches.length} matched)`));
    return this.close();
  }

  private useSearch(search: MessageSearchPattern | undefined): void {
    this.search = search;
    this.matcher = search ? createMessageMatcher(search) : null;
    // Without a pattern every message matches: collect up to messageLimit.
    this.matchAll = search ? search.matchAll === true : true;
  }

  private match(message: OfferedMessage<TMessage>): void {
    if (this.matcher && !this.matcher(message.text, message.headers).matched) return;
    const chars = message.text?.length ?? 0;
    if (this.matches.length > 0 && this.matchedChars + chars > MAX_KEPT_CHARS) {
      // As if messageLimit were reached: the step ends with what it kept, and says why.
      this.keptLimitReached = true;
      this.finish();
      return;
    }
    this.matchedChars += chars;
    this.matches.push(message.toResult());
    const verdict = judgeMatch(this.expect, this.matches.length, { matchAll: this.matchAll, limit: this.messageLimit });
    if (verdict === 'pass') this.finish();
    else if (verdict === 'fail') this.finish(unexpectedMatchError(`message on ${this.options.source}${this.describeSearch()}`, this.matches, this.currentResult()));
  }

  private finish(error?: StepError): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.options.signal.removeEventListener('abort', this.onAbort);
    const result = this.currentResult();
    void this.close().then(() => (error ? this.rejectResult(error) : this.resolveResult(result)));
  }

  private close(): Promise<void> {
    this.closing ??= this.options.close().catch(() => undefined);
    return this.closing;
  }

  private currentResult(): MessageSearchResult<TMessage> {
    const result: MessageSearchResult<TMessage> = { messages: [...this.matches], matchedCount: this.matches.length, scannedCount: this.scanned };
    if (this.keptLimitReached) result.keptLimitReached = `stopped collecting after ${MAX_KEPT_CHARS} characters of matched messages`;
    return result;
  }

  private timeoutError(): StepError {
    const window = this.endsAtDeadline ? `before the step timeout (waited ${this.waitMs} ms)` : `within ${this.waitMs} ms`;
    const none = this.scanned === 0 ? '' : this.matches.length === 0 ? ', none matched' : `, ${this.matches.length} matched`;
    return new StepError(`no message on ${this.options.source} ${this.describeWanted()} ${window}; received ${this.scanned}${none}`, {
      reason: 'timeout',
      scannedCount: this.scanned,
    });
  }

  private abortError(): StepError {
    const reason = this.options.signal.reason as { name?: string; message?: string } | undefined;
    const counts = `received ${this.scanned}, ${this.matches.length} matched`;
    if (reason?.name === 'TimeoutError') {
      return new StepError(`timed out: no message on ${this.options.source} ${this.describeWanted()} before the step timeout; ${counts}`, { reason: 'timeout', scannedCount: this.scanned });
    }
    return new StepError(`subscription to ${this.options.source} cancelled (${reason?.message ?? String(reason)}); ${counts}`, { reason: 'aborted' });
  }

  private describeSearch(): string {
    return this.search ? ` that ${this.describeWanted()}` : '';
  }

  private describeWanted(): string {
    if (this.held !== null) return `arrived that could be matched (matching had not started: the steps its searchPattern reads had not finished; ${this.held.length} kept)`;
    const search = this.search;
    if (!search) return 'arrived';
    if (search.matchType === 'header') return `had header ${search.header}: "${search.pattern}"`;
    return search.matchType === 'jsonpath' ? `matched JSONPath ${search.pattern}` : `contained "${search.pattern}"`;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
