/** The durability figures helpers live in @photondb/io/testing; re-exported for the engine's suites. */
export { reportFigure, scaled } from '@photondb/io/testing';
export type { Figure } from '@photondb/io/testing';
