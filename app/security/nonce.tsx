// The CSP nonce of the document being rendered, for Remix's <Scripts> and <ScrollRestoration>.
// Only the server knows it; in the browser the scripts have already run and the value is not needed.
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
