/**
 * Maps Node's fs exceptions to PhotonErrors: ENOENT -> NOT_FOUND, EEXIST -> EXISTS, anything
 * else -> IO with the errno name. The original exception is kept as `cause`.
 */
import { PhotonError, isPhotonError } from '@photondb/contracts';

/** The errno name (`ENOENT`, ...) of a Node fs exception, or undefined. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Converts a Node fs exception raised while doing `what` on `path`. PhotonErrors pass through. */
export function fromNodeError(e: unknown, what: string, path: string): PhotonError {
  if (isPhotonError(e)) return e;
  const errno = errnoOf(e);
  const detail = e instanceof Error ? e.message : String(e);
  if (errno === 'ENOENT') return new PhotonError('NOT_FOUND', `${what}: ${path} does not exist`, { path, errno }, { cause: e });
  if (errno === 'EEXIST') return new PhotonError('EXISTS', `${what}: ${path} already exists`, { path, errno }, { cause: e });
  return new PhotonError('IO', `${what} ${path} failed: ${detail}`, { path, errno: errno ?? 'EIO' }, { cause: e });
}
