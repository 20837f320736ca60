import { open } from 'node:fs/promises';

/** Copies `src` to a new file `dst`, reporting bytes copied; the caller removes `dst` on failure. */
export type CopyFn = (src: string, dst: string, onBytes: (done: number) => void) => Promise<void>;

const CHUNK = 4 * 1024 * 1024;

/** A plain streamed copy that leaves sparse holes out of nothing, so it fails early on a full disk. */
export const copyFile: CopyFn = async (src, dst, onBytes) => {
  const input = await open(src, 'r');
  try {
    const output = await open(dst, 'wx', 0o644);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      let done = 0;
      for (;;) {
        const { bytesRead } = await input.read(buf, 0, CHUNK, done);
        if (bytesRead === 0) break;
        let written = 0;
        while (written < bytesRead) {
          const r = await output.write(buf, written, bytesRead - written, done + written);
          written += r.bytesWritten;
        }
        done += bytesRead;
        onBytes(done);
      }
      await output.sync();
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
};
