// What the server in server/ passes to every loader and action (its getLoadContext).
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The TCP peer's address (the proxy's, behind a reverse proxy). */
    clientAddress?: string;
    /** This request's id: in every log line of the request and in the X-Request-Id response header. */
    requestId?: string;
  }
}

export {};
