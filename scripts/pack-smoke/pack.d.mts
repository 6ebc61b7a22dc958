/** Types of pack.mjs, for the TypeScript tests that use it (create-brisk's end-to-end test). */

/** The repository's root folder. */
export declare const repoRoot: string

/** A packed package: its name, its folder and its tarball's absolute path. */
export interface Packed {
  readonly name: string
  readonly dir: string
  readonly tarball: string
}

/** Packs the workspace's packages that `include` accepts into `destination` (see pack.mjs). */
export declare function packPackages(
  destination: string,
  options?: { include?: (name: string) => boolean },
): Promise<Packed[]>

/** The environment without npm's and pnpm's settings (see pack.mjs). */
export declare function withoutPnpmSettings(): Record<string, string>
