/** The human text of a thrown value, for Events and conditions (`Error creating: <this>`). */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
