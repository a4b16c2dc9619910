#!/usr/bin/env node
// Builds the task data this package ships (`data/`) from the project's shared data folder. Run it
// from the package folder when the sources change; the tests and the library only read `data/`.
//
//   node scripts/build-data.mjs [--from <repo>/../shared/data]   (the default)
//
// What it writes, and from what (licenses in data/LICENSES.md):
//   data/bsdgames-quiz.json.gz  every bsdgames quiz table, verbatim (BSD), plus its index
//   data/elements.tsv           number, symbol, name and atomic weight of elements 1..103,
//                               from Jay Kominek's elements database (public domain)
//   data/words.txt              3,000 common lower-case words of 3..7 letters: the most frequent in
//                               Austen's novels (public domain) that are WordNet lemmas
//   data/wordnet.jsonl.gz       WordNet 3.0 synsets (WordNet license) that a small model can use:
//                               a short gloss (≤ 40 characters, one clause) or ≥ 2 common lemmas,
//                               each with at least one common word
// The countries table of the shared folder (GNU miscfiles) is GPL-2+, so it is not shipped: the
// capitals come from the BSD quiz tables (africa, america, asia, europe).
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const fromArg = process.argv.indexOf('--from');
const from = fromArg > 0 ? process.argv[fromArg + 1] : join(here, '../../../../shared/data');
const out = join(here, '../data');
mkdirSync(out, { recursive: true });

/** Atomic write: a temp file, then rename. */
function write(name, data) {
  const tmp = join(out, `.${name}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(out, name));
  console.log(`${name}: ${data.length} bytes`);
}
// mtime 0 in the gzip header: the same input gives the same bytes
const gz = (text) => gzipSync(Buffer.from(text, 'utf8'), { level: 9 });

// ---- bsdgames quiz tables ------------------------------------------------------------------------
const quizDir = join(from, 'qa/bsdgames-quiz');
const tables = {};
for (const name of readdirSync(quizDir).sort()) {
  if (name === 'index') continue;
  tables[name] = readFileSync(join(quizDir, name), 'utf8');
}
const quiz = {
  format: 'llmforge-bsdgames-quiz',
  version: 1,
  source: 'bsdgames 2.17 quiz(6) data files (/usr/share/games/bsdgames/quiz)',
  index: readFileSync(join(quizDir, 'index'), 'utf8'),
  tables,
};
write('bsdgames-quiz.json.gz', gz(JSON.stringify(quiz)));

// ---- elements ----------------------------------------------------------------------------------
const elements = [];
for (const line of readFileSync(join(from, 'qa/elements.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const { headwords, text } = JSON.parse(line);
  const m = /Symbol: (\S+)\nAtomic number: (\d+)\nAtomic weight: (\S+)/.exec(text);
  if (!m) continue;
  const number = Number(m[2]);
  if (number > 103) continue; // the superheavy entries carry provisional IUPAC names
  const name = headwords[0][0].toUpperCase() + headwords[0].slice(1);
  elements.push([number, m[1], name, m[3].replace(/[()]/g, '')]);
}
elements.sort((a, b) => a[0] - b[0]);
if (elements.length !== 103 || elements.some((e, i) => e[0] !== i + 1)) {
  throw new Error(
    `elements: expected numbers 1..103 once each, found ${elements.map((e) => e[0]).join(',')}`,
  );
}
// cross-check against the quiz's own table (symbol:number:weight:name)
for (const row of tables.elements.trim().split('\n')) {
  const [symbol, number, , name] = row.split(':');
  const e = elements[Number(number) - 1];
  if (e[1] !== symbol || e[2].toLowerCase() !== name.toLowerCase()) {
    console.log(
      `elements: quiz says ${number} ${symbol} ${name}, the database ${e[1]} ${e[2]} (database kept)`,
    );
  }
}
write('elements.tsv', `# number\tsymbol\tname\tweight\n${elements.map((e) => e.join('\t')).join('\n')}\n`);

// ---- common words and WordNet -----------------------------------------------------------------
const synsets = gunzipSync(readFileSync(join(from, 'qa/wordnet.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const lemmas = new Set(synsets.flatMap((s) => s.words));
const counts = new Map();
const austen = join(from, 'corpus/austen');
for (const f of readdirSync(austen).sort()) {
  for (const w of readFileSync(join(austen, f), 'utf8').match(/[A-Za-z]+/g) ?? []) {
    if (w !== w.toLowerCase()) continue; // proper names and sentence starts
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
}
const common = [...counts]
  .filter(([w]) => w.length >= 3 && w.length <= 7 && lemmas.has(w))
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, 3000)
  .map(([w]) => w);
write('words.txt', `${common.join('\n')}\n`);

const top = new Set(common);
const kept = synsets.filter((s) => {
  if (!s.words.some((w) => top.has(w))) return false;
  const shortGloss = s.gloss.length <= 40 && !s.gloss.includes(';');
  const synonyms = s.words.filter((w) => top.has(w)).length >= 2;
  return shortGloss || synonyms;
});
write(
  'wordnet.jsonl.gz',
  gz(`${kept.map((s) => JSON.stringify({ pos: s.pos, words: s.words, gloss: s.gloss })).join('\n')}\n`),
);
console.log(`wordnet: ${kept.length} of ${synsets.length} synsets`);
