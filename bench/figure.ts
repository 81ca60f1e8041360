/**
 * One measured figure of the bench. Its own module, so the bench modules and `index.ts`, which runs
 * them, do not import each other (issue #16).
 *
 * `error`: the figure could not be measured (fully); its value is then partial or NaN.
 */
export type Figure = { name: string; value: number; unit: string; goal?: string; error?: string };
