// `npx tsx tools/bench/top-frames.ts DIR [N] [FOCUS]`: the top frames of the .cpuprofile in DIR
// (`node --cpu-prof --cpu-prof-dir=DIR`), by self time and by inclusive time, as Markdown tables.
import { summarizeProfile, type FrameTime } from './profile.js';

const [dir, top = '25', focus = '.'] = process.argv.slice(2);
if (dir === undefined) {
  console.error('usage: tsx tools/bench/top-frames.ts PROFILE_DIR [N] [FOCUS_REGEXP]');
  process.exit(2);
}
const summary = summarizeProfile(dir, dir, new RegExp(focus), Number(top));
const rows = (frames: readonly FrameTime[]) => frames.map((f) => `| ${f.ms.toFixed(1)} | ${(f.share * 100).toFixed(1)}% | \`${f.frame}\` |`).join('\n');
console.log(`${summary.totalMs.toFixed(0)} ms of samples\n\nSelf time:\n\n| ms | Share | Function |\n| --- | --- | --- |\n${rows(summary.self)}`);
console.log(`\nInclusive (focus ${focus}):\n\n| ms | Share | Function |\n| --- | --- | --- |\n${rows(summary.inclusive)}`);
console.log(
  `\nBy area (share of busy samples):\n\n| ms | Share | Area |\n| --- | --- | --- |\n${summary.areas.map((a) => `| ${a.ms.toFixed(1)} | ${(a.share * 100).toFixed(1)}% | ${a.area} |`).join('\n')}`,
);
