/**
 * Preloaded into a benchmarked process (`node -r dist/scripts/bench-probe.js ...`): on exit it writes the
 * process's peak RSS and the provider modules it loaded to the file named by BENCH_REPORT.
 */
import * as fs from 'fs';

const report = process.env.BENCH_REPORT;
if (report) {
  process.on('exit', () => {
    const providerModules = Object.keys(require.cache).filter((id) =>
      /node_modules\/@cdktf\/provider-[a-z]+\/lib\//.test(id),
    );
    fs.writeFileSync(report, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, providerModules }));
  });
}
