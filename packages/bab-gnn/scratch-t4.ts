import { readFileSync } from 'node:fs';
import { parseNnet, parseVnnlib, intermediateBounds, boundDomain } from './src/index';
const m = parseNnet(readFileSync('/work/shared/data/acasxu/nnet/ACASXU_run2a_1_1_batch_2000.nnet','utf8'));
const s=parseVnnlib(readFileSync(`/work/shared/data/acasxu/vnnlib/prop_3.vnnlib`,'utf8'));
const r = s.regions[0]; const box={lower:r.lower, upper:r.upper};
for (const meth of ['ibp','forward','crown'] as const) {
  let t0=performance.now(); let b;
  for (let i=0;i<10;i++) intermediateBounds(m.network, box, undefined, meth); t0=performance.now(); for (let i=0;i<50;i++) b=intermediateBounds(m.network, box, undefined, meth);
  const amb = b!.lower.map((l,k)=>l.filter((v,i)=>v<0&&b!.upper[k][i]>0).length);
  console.log(meth, (performance.now()-t0)/50, amb);
}
let t0=performance.now();
for (let i=0;i<50;i++) await boundDomain(m.network, box, undefined, r.clauses);
console.log('boundDomain', (performance.now()-t0)/50);
