// A mocha reporter that prints exactly like `spec` and, when TEST_SUMMARY_FILE is set, writes the
// run's counts there as `{ "passed": n, "failed": n, "pending": n }` for scripts/test.mjs.
// It is not a results database: one file per run, overwritten.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

/** `spec`, plus a JSON summary written at the end of the run. */
class MochaSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TEST_SUMMARY_FILE;
      if (!file) return;
      const stats = runner.stats ?? {};
      const summary = { passed: stats.passes ?? 0, failed: stats.failures ?? 0, pending: stats.pending ?? 0 };
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(summary) + "\n");
    });
  }
}

module.exports = MochaSummary;
