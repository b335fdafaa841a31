// JWT sessions are revoked by bumping users.session_version (password change or reset): a token remembers the version
// it was issued under and stops counting once the user's version moves on. Tokens from before versions were recorded
// count as version 1.
export function isSessionCurrent(tokenVersion: unknown, userVersion: number): boolean {
  return (typeof tokenVersion === "number" ? tokenVersion : 1) === userVersion;
}
