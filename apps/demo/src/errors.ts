/**
 * The demo's typed errors. Every message is one line naming the operation, the flag or file, what
 * was expected, what was found and what to do, e.g.
 *
 *   `llmforge-demo: option --temperature: expected a number ≥ 0, found "hot"; hint: e.g. --temperature 0.7`
 *
 * The command line prints the message of any `LlmforgeError` (this package's or one a package
 * raised: a tokenizer file, a checkpoint, a trainer config) as that one line and exits with code 1.
 */
import { LlmforgeError } from '@llmforge/errors';

/**
 * Base class of every error the demo raises on purpose.
 *
 * @example
 * ```ts
 * if (DemoError.isInstance(e)) console.error(e.message);
 * ```
 */
export class DemoError extends LlmforgeError {
  static override readonly errorName: string = 'DemoError';
}

/**
 * A flag that is not a number, out of range, unknown, or missing; raised before any work starts.
 * `where` is `option --flag`.
 *
 * @example
 * ```ts
 * if (DemoOptionError.isInstance(e)) console.error(e.where); // 'option --top-p'
 * ```
 */
export class DemoOptionError extends DemoError {
  static override readonly errorName: string = 'DemoOptionError';
}

/**
 * The run directory cannot be used: not writable, written by another version of the demo, or a
 * folder that is not a demo run. Nothing in it is changed.
 *
 * @example
 * ```ts
 * if (RunDirectoryError.isInstance(e)) console.error(e.file);
 * ```
 */
export class RunDirectoryError extends DemoError {
  static override readonly errorName: string = 'RunDirectoryError';
}

/**
 * An input the demo reads is unusable: a corpus that is empty or not UTF-8, a checkpoint or
 * tokenizer that is missing or corrupt. `file` names it.
 *
 * @example
 * ```ts
 * if (DemoInputError.isInstance(e)) console.error(e.file, e.hint);
 * ```
 */
export class DemoInputError extends DemoError {
  static override readonly errorName: string = 'DemoInputError';
}
