/**
 * An instant with its offset: `2026-03-02T09:00Z`, `2026-03-02T10:00:00.000+01:00`. The
 * calendar's stored times and every API field that names a moment (not a wall time) are read
 * with this one rule.
 */
export const QUALIFIED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
