// Worker entry of cpu-threads.ts: workers do not inherit tsx's loader, so load the TypeScript worker
// through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./cpu-threads-worker.ts', import.meta.url);
