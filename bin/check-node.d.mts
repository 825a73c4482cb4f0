/** Whether version (x.y.z) satisfies a range of `^x.y.z` and `>=x.y.z` alternatives joined by `||`. */
export function satisfies(version: string, range: string): boolean;
/** The line to print when this Node is outside package.json's engines, else undefined. */
export function nodeProblem(version?: string): string | undefined;
