import { createCpuBackend, runOp, tensor } from '../src/index.js';

const b = createCpuBackend({ threads: 1 });
const s = tensor(new Float32Array([2]), [], 'f32', b);
const a = tensor(new Float32Array(90).fill(1), [5, 2, 9], 'f32', b);
const { y } = runOp('binary', b, { a: s, b: a }, {}, { op: 'add' });
console.log(y.dataSync().slice(0, 3));
s.dispose();
a.dispose();
y.dispose();
const x = tensor(new Float32Array([2]), [1, 1], 'f32', b);
const z = tensor(new Float32Array([3]), [1, 1], 'f32', b);
const r = runOp('matmul', b, { a: x, b: z }, {}, { transA: false, transB: false });
console.log(r.y.dataSync());
x.dispose();
z.dispose();
r.y.dispose();
console.log('ok');
