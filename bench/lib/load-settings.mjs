// Durations and repetitions of each mode: quick is a ~1 minute smoke run (CI,
// build included; it also skips the redis, cluster and scale sections, whose
// quick settings apply to `--quick --only=...`),
// full aims at steady medians while staying near 20 minutes (the run of 2026-12-07 took about 20).

export function loadSettings(quick) {
  return quick
    ? {
        inProcess: { rounds: 1, connections: 10, warmupMs: 100, durationMs: 250 },
        // wrk bursts last whole seconds: one round of 1 s bursts, no warm-up.
        http: { rounds: 1, connections: 16, warmupS: 0, burstS: 1 },
        redis: { rounds: 1, connections: 16, warmupS: 0, burstS: 1 },
        cluster: { rounds: 1, connections: 10, warmupS: 0.2, durationS: 1 },
        scale: { sizes: [1_000, 10_000], gets: 1_000 },
      }
    : {
        // Many short rounds rather than a few long ones: bursts of other load land on every contender alike.
        inProcess: { rounds: 7, connections: 10, warmupMs: 300, durationMs: 800 },
        // Pinned, warm servers: 1 s bursts over 15 rounds (11 have misled us), every server warmed on each of its scenarios first.
        http: { rounds: 15, connections: 16, warmupS: 2, burstS: 1 },
        // Issue 21 asks for the HTTP section's method: the same bursts and rounds (about 5 minutes for its 6 contenders × 3 scenarios).
        redis: { rounds: 15, connections: 16, warmupS: 2, burstS: 1 },
        cluster: { rounds: 3, connections: 10, warmupS: 1, durationS: 3 },
        scale: { sizes: [1_000, 100_000, 1_000_000], gets: 20_000 },
      };
}
