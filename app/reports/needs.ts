// SHANARRI needs as bits (safe = 1 … included = 128), matching referral_need_mask() in migration 0006.
import { SHANARRI } from "../directory/taxonomy";

export const NEED_BITS: Record<string, number> = Object.fromEntries(SHANARRI.map((n, i) => [n.code, 1 << i]));

export const OUTCOME_CODES = ["met", "partly_met", "not_met", "not_addressed"] as const;

/** The bit for one need's outcome in need_outcome_bits (migration 0006): four bits per need. */
export function outcomeBit(needCode: string, outcome: string): bigint {
  const needIndex = Math.log2(NEED_BITS[needCode]!);
  return 1n << BigInt(needIndex * 4 + OUTCOME_CODES.indexOf(outcome as (typeof OUTCOME_CODES)[number]));
}
