// PGlite is one connection: while a transaction is open, every query from outside it waits for the transaction to
// end (its `query` takes the same lock as `transaction`). Code running INSIDE a transaction's callback that asks the
// database through getDb() instead of the transaction's `tx` therefore waits for itself, and the embedded database,
// with every request after it, hangs for good. (On PostgreSQL the same code takes a second connection and works.)
// This guard finds such a query by the async context it was made in: in tests it fails at once with a stack that
// names the caller; elsewhere it logs that stack and runs the query inside the open transaction, which is the only
// way it can finish on a single connection.
import { AsyncLocalStorage } from "node:async_hooks";

interface Client {
  query: (...args: unknown[]) => Promise<unknown>;
  exec: (...args: unknown[]) => Promise<unknown>;
  transaction: (callback: (tx: Client) => Promise<unknown>) => Promise<unknown>;
}

interface OpenTransaction {
  tx: Client;
  open: boolean;
}

export class QueryOutsideTransactionError extends Error {}

const context = new AsyncLocalStorage<OpenTransaction>();

export function guardPgliteTransactions<T extends object>(client: T, report: (error: Error) => void, strict: boolean): T {
  const c = client as unknown as Client;
  const transaction = c.transaction.bind(c);
  const query = c.query.bind(c);
  const exec = c.exec.bind(c);
  c.transaction = (callback) =>
    transaction((tx) => {
      const open: OpenTransaction = { tx, open: true };
      return context.run(open, async () => {
        try {
          return await callback(tx);
        } finally {
          // Work started inside the callback and still running after it (not awaited) is outside it now.
          open.open = false;
        }
      });
    });
  const outside =
    (method: "query" | "exec", original: (...args: unknown[]) => Promise<unknown>) =>
    (...args: unknown[]) => {
      const open = context.getStore();
      if (!open?.open) return original(...args);
      const error = new QueryOutsideTransactionError(
        "A query was made through getDb() from inside a transaction; use the transaction's tx (on the embedded database this would wait forever)",
      );
      if (strict) return Promise.reject(error);
      report(error);
      return open.tx[method](...args);
    };
  c.query = outside("query", query);
  c.exec = outside("exec", exec);
  return client;
}
