/**
 * The program: runs {@link runDemoCli} on the process's arguments and sets the exit code. An error
 * that is not one of llmforge's typed errors is a bug: its stack is printed (exit code 1).
 */
import { runDemoCli } from './cli.js';

runDemoCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
