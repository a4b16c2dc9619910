import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DemoProgress, figuresText } from '../src/progress.js';

/** A writable that records everything, optionally pretending to be a terminal. */
function sink(tty: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _e, done) {
        text += String(chunk);
        done();
      },
    }),
    { isTTY: tty, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true },
  );
  return { stream, text: () => text };
}

describe('progress', () => {
  it('shows figures the way a reader wants them', () => {
    expect(
      figuresText({ loss: 2.5, tokensPerSecond: 12345.6, accuracy: 0.875, kl: 1e-5, mfu: null, note: 'x' }),
    ).toBe('loss 2.5000 · 12,346 tok/s · accuracy 87.5% · kl 1.00e-5 · note x');
  });

  it('off a terminal: plain lines at every tenth of the work, with an ETA, and the last step', () => {
    const out = sink(false);
    const p = new DemoProgress('auto', out.stream);
    const s = p.stage('pretrain', 'steps');
    s.start(100, 0);
    for (let i = 1; i <= 100; i++) s.update(i, { loss: 5 - i / 100, tokensPerSecond: 1000, mfu: null });
    s.stop();
    p.log('done');
    const lines = out.text().trim().split('\n');
    expect(lines.length).toBe(12); // step 1, every 10 steps, and the log line
    expect(lines[0]).toMatch(/^pretrain 1\/100 steps \| loss 4\.9900 · 1,000 tok\/s \| ETA /);
    expect(lines[10]).toMatch(/^pretrain 100\/100 steps \| loss 4\.0000 · 1,000 tok\/s \| ETA 0s$/);
    expect(lines[11]).toBe('done');
    expect(out.text()).not.toContain('\u001b['); // no escape codes in a log
  });

  it('on a terminal: a cli-progress bar with the stage, the figures and the ETA', async () => {
    const out = sink(true);
    const p = new DemoProgress('auto', out.stream);
    const s = p.stage('ppo', 'steps');
    s.start(10, 0);
    // an RL loop's extra figures come after the loss
    s.update(5, { loss: 1.25, tokensPerSecond: 800, mfu: null, extra: { reward: 0.5, kl: 1.5 } });
    p.log('an evaluation');
    await new Promise((r) => setTimeout(r, 300)); // cli-progress redraws on a timer
    s.stop();
    p.stop();
    expect(out.text()).toMatch(
      /ppo +\S+ 5\/10 steps \| loss 1\.2500 · reward 0\.5000 · kl 1\.5000 · 800 tok\/s \| ETA /,
    );
    expect(out.text()).toContain('an evaluation');
  });

  it('none: silent', () => {
    const out = sink(true);
    const p = new DemoProgress('none', out.stream);
    const s = p.stage('x', 'steps');
    s.start(3, 0);
    s.tick(2, { loss: 1 }, 3);
    p.log('hidden');
    expect(out.text()).toBe('');
  });
});
