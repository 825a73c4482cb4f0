/** The digest of the build's inputs as they are on disk now (path and bytes of each, in a fixed order). */
export function buildInputsDigest(root?: string): string;
/** Whether dist/ holds a build of exactly the inputs on disk now. */
export function builtFromCurrentInputs(root?: string): boolean;
/** The build's last step: the digest taken before it started becomes the stamp of what it built. */
export function stampBuild(root?: string): void;
