// Preloaded (node --require) into a process the bench measures: at exit, the CPU time it used — user and
// system, every thread of it — is appended to $BENCH_CPU_FILE (ms, one line). On a machine others share,
// a process's CPU time moves far less with their load than its wall time does.

const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_CPU_FILE;
  const used = process.cpuUsage();
  if (file) appendFileSync(file, `${(used.user + used.system) / 1000}\n`);
});
