import type { Migration } from './migration.js';
import { initial } from './001-initial.js';
import { notices } from './002-notices.js';
import { seriesReleases } from './003-series-releases.js';
import { enrollmentKeys } from './004-enrollment-keys.js';

export type { Migration };

/** Every migration in version order; a new one is appended here and never inserted. */
export const MIGRATIONS: readonly Migration[] = [initial, notices, seriesReleases, enrollmentKeys];
