/**
 * Options for `vi.waitFor` on a state: its default cap of 1 s is less than a loaded machine takes
 * (a zip process moving into its cgroup took 1.2 s in a fresh-clone run at load 15). A cap, not
 * an expectation: the wait ends as soon as the state holds.
 */
export const WAIT = { timeout: 60_000, interval: 50 } as const;
