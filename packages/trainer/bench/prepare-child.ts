/**
 * Child process of the preparation benchmark: runs `prepareCorpus` on a config file and prints one
 * JSON line with the timing and the process's peak resident memory (getrusage's maxrss).
 */
import { readFileSync } from 'node:fs';
import { prepareCorpus } from '../src/prepare/prepare-corpus.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const r = await prepareCorpus(config);
console.log(
  JSON.stringify({
    seconds: r.seconds,
    mbPerSecond: r.mbPerSecond,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    counts: r.manifest.counts,
    tokens: r.manifest.splits.train.tokens + r.manifest.splits.val.tokens,
  }),
);
