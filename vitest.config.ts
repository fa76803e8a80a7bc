import { defineConfig } from 'vitest/config';

// Three tiers, each a vitest project (see docs/testing.md):
//   unit  — no root, no network, no guests; runs in parallel.
//   netns — root; every test builds its world inside a network namespace it creates and removes.
//   vm    — root; boots real guests under QEMU (TCG here) inside a private network namespace.
// The root tiers run one file at a time, and the tiers run one after another (sequence.groupOrder):
// guests under TCG share the host's CPUs, and timing-sensitive boots must not race the unit tier.
export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'test/contract/**/*.unit.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'netns',
          sequence: { groupOrder: 1 },
          include: ['test/netns/**/*.test.ts', 'test/contract/**/*.netns.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'vm',
          sequence: { groupOrder: 2 },
          include: ['test/vm/**/*.test.ts', 'test/contract/**/*.vm.test.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 600_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
