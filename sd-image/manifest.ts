import * as z from 'zod';

/**
 * `/etc/doorplate/image.json`: what the builder placed, with checksums, so `image verify` can
 * say exactly what is missing or changed.
 */
export const ImageManifestSchema = z.object({
  format: z.literal(1),
  role: z.enum(['edge', 'server', 'node']),
  app: z.object({ version: z.string(), bundled: z.boolean() }),
  epoch: z.number().int(),
  boot: z.array(z.object({ path: z.string(), sha256: z.string() })),
  files: z.array(
    z.object({ path: z.string(), sha256: z.string(), mode: z.number().int(), uid: z.number().int(), gid: z.number().int() }),
  ),
  symlinks: z.array(z.object({ path: z.string(), target: z.string() })),
  units: z.object({ enabled: z.array(z.string()) }),
});

export type ImageManifest = z.infer<typeof ImageManifestSchema>;
