// remix-serve hands the app a Fetch Request without its socket, and only documents and `.data` responses pass
// through entry.server. Until FORT runs its own server (which should do both of these itself and can then drop
// this file), one hook on Node's HTTP server, installed when the server build is loaded (before remix-serve
// listens), does two things for every request:
//  - copies the socket address into SOCKET_ADDRESS_HEADER, replacing any value the client sent;
//  - sets the headers every response must carry (nosniff, HSTS), static files and resource routes included.
import http from "node:http";
import { SOCKET_ADDRESS_HEADER } from "./client-address.server";
import { applyCommonHeaders } from "./headers.server";

export function installRemixServeHook() {
  const marker = Symbol.for("fort.remixServeHook");
  const proto = http.Server.prototype as unknown as Record<symbol, unknown> & { emit: (event: string, ...args: unknown[]) => boolean };
  if (proto[marker]) return;
  proto[marker] = true;
  const emit = proto.emit;
  proto.emit = function (this: unknown, event: string, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      const res = args[1] as http.ServerResponse;
      req.headers[SOCKET_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
      // Added just before the headers go out, unless the app already set them (express appends, so setting
      // them now would send them twice).
      const writeHead = res.writeHead;
      res.writeHead = function (this: http.ServerResponse, ...writeArgs: Parameters<typeof writeHead>) {
        const missing = new Headers();
        applyCommonHeaders(missing);
        for (const [name, value] of missing) if (!this.hasHeader(name)) this.setHeader(name, value);
        return writeHead.apply(this, writeArgs);
      } as typeof writeHead;
    }
    return emit.call(this, event, ...args);
  };
}
