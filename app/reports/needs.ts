// SHANARRI needs as bits (safe = 1 … included = 128), matching referral_need_mask() in migration 0006.
import { SHANARRI } from "../directory/taxonomy";

export const NEED_BITS: Record<string, number> = Object.fromEntries(SHANARRI.map((n, i) => [n.code, 1 << i]));
