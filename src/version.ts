// Kept in step with package.json by the release checklist (tests/cli.test.ts compares them).
export const VERSION = '0.1.0';
