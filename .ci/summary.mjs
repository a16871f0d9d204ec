// Prints vitest's counts as one plain line ("N passed, N failed, N skipped") for CI's reader.
import { readFileSync } from 'node:fs';
const r = JSON.parse(readFileSync(new URL('../.vitest/results.json', import.meta.url), 'utf8'));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
