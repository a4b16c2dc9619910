import { createCpuBackend, randn } from '../src/index.js';

const cpu = createCpuBackend({ threads: 2 });
await cpu.ready();
const a = randn([1024, 1024], { seed: 1, offset: 0 }, 'f32', cpu);
const t0 = performance.now();
const c0 = process.cpuUsage();
while (performance.now() - t0 < 6000) a.matmul(a).dispose();
const c = process.cpuUsage(c0);
console.log('wall', (performance.now() - t0).toFixed(0), 'cpu', (c.user / 1000).toFixed(0));
