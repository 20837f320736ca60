import { buildImage, type BuildDeps, type BuildOptions } from './build.js';
import { ImageError } from './errors.js';
import { LayoutError } from './partitions.js';
import { progressFor, type Progress, type TextSink } from './progress.js';
import { SiteError } from './site-schema.js';
import { AppPayloadError } from './app-payload.js';
import { ToolError } from './tools.js';
import { verifyImage } from './verify.js';

export { buildImage, type BuildOptions, type BuildResult } from './build.js';
export { verifyImage, type VerifyReport } from './verify.js';
export { parseSite, loadSiteFile, SiteError, type Site } from './site-schema.js';
export { BarProgress, LineProgress, progressFor, type Progress } from './progress.js';
export { ImageError } from './errors.js';

/** Where the commands write: progress and results to `out`, problems to `err`. */
export interface ImageIo {
  readonly out: TextSink & { isTTY?: boolean };
  readonly err: TextSink;
  readonly progress?: Progress;
  readonly deps?: Omit<BuildDeps, 'progress'>;
}

/** Errors whose message is the whole story for the person at the terminal. */
function isExpected(e: unknown): e is Error {
  return e instanceof ImageError || e instanceof SiteError || e instanceof LayoutError || e instanceof AppPayloadError || e instanceof ToolError;
}

/** `doorplate image build`: 0 when the image was written, 1 when the inputs or the disk were wrong. */
export async function imageBuild(opts: BuildOptions, io: ImageIo): Promise<number> {
  try {
    await buildImage(opts, { ...io.deps, progress: io.progress ?? progressFor(io.out) });
    return 0;
  } catch (e) {
    if (!isExpected(e)) throw e;
    io.err.write(`error: ${e.message}\n`);
    return 1;
  }
}

/** `doorplate image verify`: lists what the image holds; 0 when complete, 1 when anything is missing or wrong. */
export async function imageVerify(path: string, io: ImageIo): Promise<number> {
  try {
    const report = await verifyImage(path, io.deps?.runner);
    for (const f of report.facts) io.out.write(`${f}\n`);
    if (report.problems.length === 0) {
      io.out.write(`${path}: ok\n`);
      return 0;
    }
    io.err.write(`${path}: ${report.problems.length} problem(s)\n${report.problems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  } catch (e) {
    if (!isExpected(e)) throw e;
    io.err.write(`error: ${e.message}\n`);
    return 1;
  }
}
