import { config, tileOrigin } from "./config.server";

/** Security headers for every HTML document. The CSP allows map tiles from the configured host only. */
export function applySecurityHeaders(headers: Headers) {
  const tiles = tileOrigin();
  const csp = [
    "default-src 'self'",
    // Remix inlines its hydration data as scripts.
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${tiles}`,
    "font-src 'self' data:",
    `connect-src 'self'${config().NODE_ENV === "development" ? " ws:" : ""}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
  headers.set("Content-Security-Policy", csp);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)");
}
