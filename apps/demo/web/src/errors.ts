/**
 * The page's typed errors. Each names the operation, what was expected, what was found and a hint,
 * like every @llmforge error, so the page can show `error.message` as it is.
 */
import { LlmforgeError } from '@llmforge/errors';

/** Base class of the page's errors. */
export class PageError extends LlmforgeError {
  static override readonly errorName: string = 'PageError';
}

/** Files given to the page do not make a checkpoint (a file missing, unreadable, or not what its name says). */
export class CheckpointFilesError extends PageError {
  static override readonly errorName: string = 'CheckpointFilesError';
}

/** Training settings or training text the page cannot train on. */
export class TrainSettingsError extends PageError {
  static override readonly errorName: string = 'TrainSettingsError';
}
