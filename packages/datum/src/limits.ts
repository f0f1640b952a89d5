/**
 * The documented limits of datums. Every encoder checks them before returning bytes; the engine
 * checks its own (possibly lower) configured key and value sizes on top.
 */

/** Deepest container nesting allowed: a top-level array or object is depth 1. */
export const MAX_DEPTH = 100;
/** Largest encoded key the engine accepts by default (it also caps keys at a quarter page). */
export const MAX_KEY_BYTES = 1024;
/** Largest encoded value `encodeValue` produces unless told otherwise (16 MiB). */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;
